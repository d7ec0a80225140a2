package org.convas.engine.calc;

import org.convas.engine.spec.NetworkSpec;
import org.convas.engine.spec.Node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calculator's last step, on the whole draft report:
 * <ol>
 *   <li><b>Every proposed fix is tried.</b> Each candidate is applied to the network and the result analysed;
 *       it is kept only when the problem's node then has no error and no problem of the same rule, and no
 *       block that fitted before gets an error. The problem's text names the kept fixes
 *       ("…; padding 2 or same padding would fit"); a candidate that does not work is never shown.</li>
 *   <li><b>One cause, one error.</b> A block cut off from the input only because a block above it is cut off
 *       has no error of its own; the cause's message counts them ("the 11 blocks below it … get no shape until
 *       it is connected"), so one missing wire gives one error, not one per block below.</li>
 * </ol>
 */
final class Fixes {

    private Fixes() {
    }

    static NetworkReport finish(NetworkSpec spec, List<LayerReport> drafts, List<Problem> networkProblems, Map<Problem, Boolean> sentences) {
        Set<String> fittedBefore = new HashSet<>();
        for (LayerReport r : drafts) if (r.isKnown() && !r.hasErrors()) fittedBefore.add(r.id());
        Set<String> reachable = Calculator.reachableFromInputs(spec);
        Map<String, LayerReport> byId = new HashMap<>();
        for (LayerReport r : drafts) byId.put(r.id(), r);
        List<LayerReport> out = new ArrayList<>(drafts.size());
        for (LayerReport r : drafts) {
            if (r.problems().isEmpty()) {
                out.add(r);
                continue;
            }
            List<Problem> problems = new ArrayList<>(r.problems().size());
            for (Problem p : r.problems()) {
                Boolean sentence = sentences.get(p);
                if (sentence != null) p = verified(spec, p, sentence, fittedBefore);
                if (p.rule().equals(Problem.CONNECTION) && p.isError()) p = withConsequences(spec, p, byId, reachable);
                problems.add(p);
            }
            out.add(new LayerReport(r.node(), r.inputShapes(), r.output(), r.shapeFormula(), r.weights(), r.biases(), r.paramFormula(),
                    r.activations(), r.inPlace(), r.macs(), r.receptiveField(), r.window(), problems));
        }
        return new NetworkReport(spec, out, networkProblems);
    }

    /** The problem with only the candidates that work, named in its text (sentence) or its fix. */
    private static Problem verified(NetworkSpec spec, Problem p, boolean sentence, Set<String> fittedBefore) {
        List<Fix> kept = new ArrayList<>();
        Set<String> described = new HashSet<>();
        for (Fix f : p.fixes()) {
            if (described.contains(f.description())) continue;
            if (works(spec, p, f, fittedBefore)) {
                kept.add(f);
                described.add(f.description());
            }
        }
        String fix = joinOr(kept.stream().map(Fix::description).toList());
        String text = sentence && !kept.isEmpty() ? p.text() + "; " + fix + " would fit" : p.text();
        return new Problem(p.severity(), p.nodeId(), p.field(), p.rule(), text, fix, kept);
    }

    private static boolean works(NetworkSpec spec, Problem p, Fix f, Set<String> fittedBefore) {
        NetworkSpec fixed;
        try {
            fixed = f.change().applyTo(spec);
        } catch (IllegalArgumentException e) {
            return false;
        }
        NetworkReport after = Calculator.analyzeDraft(fixed).report(fixed);
        LayerReport node = after.find(p.nodeId()).orElse(null);
        if (node == null || !node.isKnown() || node.hasErrors()) return false;
        // Floor mode mends a misfit by flooring it, which leaves a warning of the same rule on purpose.
        boolean floors = f.change() instanceof Fix.SetFloorMode;
        if (!floors && node.problems().stream().anyMatch(q -> q.rule().equals(p.rule()))) return false;
        for (String id : fittedBefore) {
            LayerReport r = after.find(id).orElse(null);
            if (r != null && r.hasErrors()) return false; // mends this block by breaking one that fitted
        }
        return true;
    }

    /** A cut-off block's error, telling how many blocks below it are cut off with it. */
    private static Problem withConsequences(NetworkSpec spec, Problem p, Map<String, LayerReport> byId, Set<String> reachable) {
        Map<String, List<String>> consumers = new HashMap<>();
        for (Node n : spec.nodes()) for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.id());
        Set<String> below = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(consumers.getOrDefault(p.nodeId(), List.of()));
        while (!todo.isEmpty()) {
            String id = todo.poll();
            LayerReport r = byId.get(id);
            boolean folded = r != null && r.problems().isEmpty() && !r.isKnown() && !reachable.contains(id);
            if (folded && below.add(id)) todo.addAll(consumers.getOrDefault(id, List.of()));
        }
        if (below.isEmpty()) return p;
        List<String> ids = spec.nodes().stream().map(Node::id).filter(below::contains).toList();
        String names = ids.size() <= 3 ? joinAnd(ids) : ids.get(0) + ", " + ids.get(1) + " … " + ids.get(ids.size() - 1);
        String text = p.text() + "; " + (ids.size() == 1 ? "the block below it (" + names + ") gets"
                : "the " + ids.size() + " blocks below it (" + names + ") get") + " no shape until it is connected";
        return new Problem(p.severity(), p.nodeId(), p.field(), p.rule(), text, p.fix(), p.fixes());
    }

    /** "a", "a or b", "a, b or c". */
    static String joinOr(List<String> items) {
        return join(items, " or ");
    }

    private static String joinAnd(List<String> items) {
        return join(items, " and ");
    }

    private static String join(List<String> items, String last) {
        if (items.isEmpty()) return "";
        if (items.size() == 1) return items.get(0);
        return String.join(", ", items.subList(0, items.size() - 1)) + last + items.get(items.size() - 1);
    }
}
