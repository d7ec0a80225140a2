package org.convas.app.designer;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.convas.engine.spec.NetworkSpec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The undo stack (Scene Builder's JobManager): the current spec, the edits that led to it and the ones
 * undone. Every change bumps {@link #revisionProperty()}, which views observe instead of listening to each
 * command. Consecutive commands that {@link DesignerCommand#continues continue} each other merge into one
 * undo step.
 */
public final class EditHistory {

    /** One undo step: the spec before the first command of the step and after its last. */
    public record Entry(DesignerCommand command, NetworkSpec before, NetworkSpec after, long nanos) {
    }

    /** Undo steps kept; the oldest are forgotten beyond this. */
    public static final int LIMIT = 500;

    private final ReadOnlyObjectWrapper<NetworkSpec> spec;
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision");
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final ReadOnlyStringWrapper undoText = new ReadOnlyStringWrapper(this, "undoText", "Undo");
    private final ReadOnlyStringWrapper redoText = new ReadOnlyStringWrapper(this, "redoText", "Redo");
    private final Deque<Entry> undo = new ArrayDeque<>();
    private final Deque<Entry> redo = new ArrayDeque<>();
    private final LongSupplier clock;

    public EditHistory(NetworkSpec initial) {
        this(initial, System::nanoTime);
    }

    /** With a clock in nanoseconds, so tests can control the typing window. */
    public EditHistory(NetworkSpec initial, LongSupplier clock) {
        this.spec = new ReadOnlyObjectWrapper<>(this, "spec", initial);
        this.clock = clock;
    }

    public ReadOnlyObjectProperty<NetworkSpec> specProperty() { return spec.getReadOnlyProperty(); }

    public NetworkSpec spec() { return spec.get(); }

    /** Goes up by one on every execute, undo, redo and reset. */
    public ReadOnlyLongProperty revisionProperty() { return revision.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty canUndoProperty() { return canUndo.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty canRedoProperty() { return canRedo.getReadOnlyProperty(); }

    /** "Undo insert Conv" or "Undo". */
    public ReadOnlyStringProperty undoTextProperty() { return undoText.getReadOnlyProperty(); }

    public ReadOnlyStringProperty redoTextProperty() { return redoText.getReadOnlyProperty(); }

    public int undoSize() { return undo.size(); }

    /**
     * Runs a command. Returns false (and changes nothing) when the command changes nothing.
     *
     * @throws IllegalArgumentException when the command does not apply; the spec is unchanged
     */
    public boolean execute(DesignerCommand command) {
        NetworkSpec before = spec.get();
        NetworkSpec after = command.apply(before);
        if (after.equals(before)) return false;
        long now = clock.getAsLong();
        Entry top = undo.peek();
        if (top != null && redo.isEmpty() && command.continues(top.command(), Duration.ofNanos(now - top.nanos()))) {
            undo.pop();
            if (!after.equals(top.before())) undo.push(new Entry(command, top.before(), after, now));
        } else {
            undo.push(new Entry(command, before, after, now));
            while (undo.size() > LIMIT) undo.removeLast();
        }
        redo.clear();
        changed(after);
        return true;
    }

    public boolean undo() {
        Entry e = undo.poll();
        if (e == null) return false;
        redo.push(e);
        changed(e.before());
        return true;
    }

    public boolean redo() {
        Entry e = redo.poll();
        if (e == null) return false;
        undo.push(e);
        changed(e.after());
        return true;
    }

    /** Starts afresh on another document: no undo, no redo. */
    public void reset(NetworkSpec newSpec) {
        undo.clear();
        redo.clear();
        changed(newSpec);
    }

    private void changed(NetworkSpec now) {
        spec.set(now);
        canUndo.set(!undo.isEmpty());
        canRedo.set(!redo.isEmpty());
        undoText.set(undo.isEmpty() ? "Undo" : "Undo " + undo.peek().command().description());
        redoText.set(redo.isEmpty() ? "Redo" : "Redo " + redo.peek().command().description());
        revision.set(revision.get() + 1);
    }
}
