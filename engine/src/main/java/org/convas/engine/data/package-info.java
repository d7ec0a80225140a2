/**
 * Image datasets in, network batches out: loading, the lecture's preprocessing, augmentation and a
 * prefetching batch loader. Pure Java (the image decoders in {@code codec} included).
 *
 * <pre>
 *   Dataset all = Idx.loadStandard(folder, "train", KnownClasses.FASHION_MNIST, "Fashion-MNIST");
 *                 // or Cifar.load10(files, …), ImageFolder.load(root).dataset()
 *   Split split = Split.holdout(all, 0.1, seed);                      // stratified validation holdout
 *   FittedPreprocessing pre = Preprocessing.builder(Shape.of(28, 28, 1))
 *           .normalisation(Normalisation.PER_CHANNEL).build()
 *           .fit(split.train());                                     // statistics from training only
 *   PreparedDataset train = pre.train(), validation = pre.apply(split.validation());
 *   FloatImage mean = pre.statistics().meanImage();                  // for the visualizer
 *   BatchLoader loader = BatchLoader.builder(train).batchSize(64).seed(seed)
 *           .augmentation(Augmentation.builder().shift(2).horizontalFlip(true).seed(seed).build()).build();
 *   try (BatchLoader.BatchIterator it = loader.epoch(epoch)) {
 *       while (it.hasNext()) { ImageBatch b = it.next(); … b.inputs() is N×C×H×W, b.labels() … }
 *   }
 * </pre>
 *
 * Problems with files are {@link org.convas.engine.data.DatasetException}s whose message names the
 * file and the problem; wrong settings are IllegalArgumentExceptions from the builders.
 */
package org.convas.engine.data;
