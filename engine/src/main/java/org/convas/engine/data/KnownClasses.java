package org.convas.engine.data;

import java.util.List;

/** The class names of the well-known datasets, in label order. */
public final class KnownClasses {

    private KnownClasses() {
    }

    public static final List<String> MNIST = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final List<String> CIFAR_10 = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");

    /** CIFAR-100 fine labels, in the order of the dataset's meta file (alphabetical). */
    public static final List<String> CIFAR_100 = List.of("apple", "aquarium_fish", "baby", "bear", "beaver",
            "bed", "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel",
            "can", "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach",
            "couch", "crab", "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox",
            "girl", "hamster", "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion",
            "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree",
            "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate",
            "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal",
            "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar",
            "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor", "train",
            "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm");
}
