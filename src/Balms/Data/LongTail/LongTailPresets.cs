namespace Balms.Data.LongTail;

/// <summary>The long-tailed training sets of the experiments, built from the full balanced training splits.</summary>
public static class LongTailPresets
{
    /// <summary>Training images per class in Fashion-MNIST, the head class size of Fashion-MNIST-LT.</summary>
    public const int FashionMnistImagesPerClass = 6000;

    /// <summary>Training images in CIFAR-10 and CIFAR-100; the head class keeps all of its 50000 / C.</summary>
    public const int CifarTrainImages = 50000;

    /// <summary>Fashion-MNIST-LT class counts; <paramref name="headClassSize"/> replaces the standard 6000 when given.</summary>
    public static int[] FashionMnistProfile(int classCount, double imbalanceFactor, int? headClassSize = null) =>
        LongTailProfile.Exponential(headClassSize ?? FashionMnistImagesPerClass, classCount, imbalanceFactor);

    /// <summary>Fashion-MNIST-LT: exponential profile, the first n_c training images of each class in file order.</summary>
    public static SubsetSource FashionMnist(ISampleSource train, double imbalanceFactor, int? headClassSize = null) =>
        LongTailSubsets.FirstPerClass(train, FashionMnistProfile(train.ClassCount, imbalanceFactor, headClassSize));

    /// <summary>CIFAR-LT class counts; <paramref name="headClassSize"/> replaces the standard 50000 / C when given.</summary>
    public static int[] CifarProfile(int classCount, double imbalanceFactor, int? headClassSize = null) =>
        LongTailProfile.Exponential(headClassSize ?? CifarTrainImages / classCount, classCount, imbalanceFactor);

    /// <summary>
    /// CIFAR-10-LT / CIFAR-100-LT: exponential profile with imgMax = 50000 / C and a random subset per class drawn
    /// with the data seed (independent of the training seed).
    /// </summary>
    public static SubsetSource Cifar(ISampleSource train, double imbalanceFactor, int dataSeed, int? headClassSize = null) =>
        LongTailSubsets.RandomPerClass(train, CifarProfile(train.ClassCount, imbalanceFactor, headClassSize), dataSeed);
}
