package org.convas.engine.spec;

/** A hyperparameter that breaks its rule, e.g. field "stride", message "stride must be at least 1 (it is 0)". */
public record FieldRule(String field, String message) {
}
