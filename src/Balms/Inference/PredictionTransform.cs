using System.Globalization;
using Balms.Configuration;
using Balms.Data;
using Balms.Data.Transforms;
using Balms.Training.Checkpoints;

namespace Balms.Inference;

/// <summary>
/// How a trained model's input is prepared at prediction time: the test transform of the dataset family it was trained
/// on, recorded in its checkpoint as family:size (<see cref="CheckpointInfo.InputTransform"/>). The fixed-size CIFAR
/// and Fashion-MNIST transforms first resize images of any other size to the square input.
/// </summary>
public static class PredictionTransform
{
    private const string ImageNet = "imagenet", Cifar = "cifar", FashionMnist = "fashion_mnist";
    private const int ImageNetSize = 224, CifarSize = 32, FashionMnistSize = 28;

    /// <summary>The key of the test transform a dataset configuration uses.</summary>
    public static string KeyFor(DataOptions data) => data.Dataset switch
    {
        DatasetKind.FashionMnistLt => Key(FashionMnist, FashionMnistSize),
        DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt => Key(Cifar, CifarSize),
        DatasetKind.ImageFolder => Key(ImageNet, data.ImageSize),
        _ => Key(ImageNet, ImageNetSize),
    };

    /// <summary>
    /// The transform for a checkpoint's model. Checkpoints without a recorded key are told apart by their dataset
    /// name: Fashion-MNIST-LT and CIFAR-LT runs use their own test transforms, all others ImageNet's at 224.
    /// </summary>
    /// <exception cref="BalmsException">The recorded key is malformed or names an unknown family.</exception>
    public static IImageTransform For(CheckpointInfo info)
    {
        string key = info.InputTransform ?? KeyFromDatasetName(info.Dataset);
        string[] parts = key.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1)
            throw new BalmsException($"checkpoint input transform '{key}' is not family:size (e.g. imagenet:224)");
        return parts[0] switch
        {
            ImageNet => ImageTransforms.ImageNetTest(size: size),
            Cifar => Square(size, ChannelNormalization.Cifar),
            FashionMnist => Square(size, ChannelNormalization.FashionMnist),
            _ => throw new BalmsException($"checkpoint input transform '{key}' names an unknown family; valid: {ImageNet}, {Cifar}, {FashionMnist}"),
        };
    }

    private static string Key(string family, int size) => $"{family}:{size.ToString(CultureInfo.InvariantCulture)}";

    private static string KeyFromDatasetName(string dataset) =>
        dataset.StartsWith("Fashion-MNIST", StringComparison.Ordinal) ? Key(FashionMnist, FashionMnistSize)
        : dataset.StartsWith("CIFAR", StringComparison.Ordinal) ? Key(Cifar, CifarSize)
        : Key(ImageNet, ImageNetSize);

    /// <summary>ToTensor -> Normalize, as the CIFAR / Fashion-MNIST test transforms, after resizing to size x size.</summary>
    private static IImageTransform Square(int size, ChannelNormalization normalization) =>
        new ImagePipeline(size, size, [new ResizeToSquare(size)], new NormalizeToChw(normalization));
}
