package org.convas.engine.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A training set and a validation set held out from the same labelled images.
 *
 * <p>The holdout is stratified: each class gives the same fraction (rounded), so a small validation
 * set still contains every class in the original proportions. The same seed gives the same split.
 */
public record Split(Dataset train, Dataset validation) {

    /**
     * Holds out {@code validationFraction} of each class, chosen at random from {@code seed}.
     * Example: 3,000 images, 10 balanced classes, fraction 0.1 → 2,700 train and 300 validation,
     * 30 of each class.
     */
    public static Split holdout(Dataset all, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be at least 0 and below 1 "
                    + "(0.1 keeps 10% of the images for validation), got " + validationFraction);
        }
        int k = all.classCount();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < all.size(); i++) byClass.get(all.label(i)).add(i);

        Rng rng = new Rng(Rng.mix(seed, 0x5EED_5917L));
        boolean[] held = new boolean[all.size()];
        for (List<Integer> members : byClass) {
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            rng.shuffle(idx);
            int take = (int) Math.round(idx.length * validationFraction);
            for (int j = 0; j < take; j++) held[idx[j]] = true;
        }
        // Keep the original order inside each part: easier to reason about, and the batch iterator
        // shuffles anyway.
        int nVal = 0;
        for (boolean h : held) if (h) nVal++;
        int[] trainIdx = new int[all.size() - nVal];
        int[] valIdx = new int[nVal];
        int t = 0, v = 0;
        for (int i = 0; i < all.size(); i++) {
            if (held[i]) valIdx[v++] = i; else trainIdx[t++] = i;
        }
        String pct = Math.round(validationFraction * 100) + "%";
        return new Split(all.subset(trainIdx, all.source() + " (training part)"),
                all.subset(valIdx, all.source() + " (" + pct + " validation holdout, seed " + seed + ")"));
    }
}
