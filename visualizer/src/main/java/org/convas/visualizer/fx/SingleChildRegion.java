package org.convas.visualizer.fx;

import javafx.scene.Parent;
import javafx.scene.layout.Region;

/**
 * Base for views that build their layout from ordinary panes but expose only their own small API: the view is a
 * {@link Region} (no public {@code getChildren()}, no {@code setCenter}) that sizes one private root to itself.
 */
public abstract class SingleChildRegion extends Region {

    private final Parent root;

    // Adding the child here is the point of this class; subclasses pass a finished root and add nothing before it.
    @SuppressWarnings("this-escape")
    protected SingleChildRegion(Parent root) {
        this.root = root;
        getChildren().add(root);
    }

    @Override
    protected void layoutChildren() {
        root.resizeRelocate(0, 0, getWidth(), getHeight());
    }

    @Override
    protected double computePrefWidth(double height) {
        return root.prefWidth(height);
    }

    @Override
    protected double computePrefHeight(double width) {
        return root.prefHeight(width);
    }

    @Override
    protected double computeMinWidth(double height) {
        return root.minWidth(height);
    }

    @Override
    protected double computeMinHeight(double width) {
        return root.minHeight(width);
    }
}
