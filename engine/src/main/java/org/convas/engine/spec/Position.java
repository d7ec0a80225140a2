package org.convas.engine.spec;

/** Where the designer draws a node (canvas coordinates). Layout only: never affects the network. */
public record Position(double x, double y) {
}
