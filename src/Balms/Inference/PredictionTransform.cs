using Balms.Data;
using Balms.Data.Transforms;
using Balms.Training.Checkpoints;

namespace Balms.Inference;

/// <summary>
/// How a trained model's input is prepared at prediction time: the test transform of the data it was trained on,
/// rebuilt from the key its checkpoint records (<see cref="CheckpointInfo.InputTransform"/>, see
/// <see cref="TestTransformKey"/>). The fixed-size CIFAR and Fashion-MNIST transforms first resize images of any other
/// size to the square input.
/// </summary>
public static class PredictionTransform
{
    /// <summary>
    /// The transform for a checkpoint's model. Checkpoints without a recorded key are told apart by their dataset
    /// name: Fashion-MNIST-LT and CIFAR-LT runs use their own test transforms, all others ImageNet's at 224.
    /// </summary>
    /// <exception cref="BalmsException">The recorded key is malformed or names an unknown family.</exception>
    public static IImageTransform For(CheckpointInfo info) => ImageTransforms.Test(KeyFor(info), resizeToSquare: true);

    /// <summary>The key of <see cref="For"/>'s transform: the recorded one, or the one the dataset name implies.</summary>
    /// <exception cref="BalmsException">The recorded key is malformed or names an unknown family.</exception>
    public static TestTransformKey KeyFor(CheckpointInfo info) =>
        info.InputTransform is { } recorded ? TestTransformKey.Parse(recorded) : KeyFromDatasetName(info.Dataset);

    private static TestTransformKey KeyFromDatasetName(string dataset) =>
        dataset.StartsWith("Fashion-MNIST", StringComparison.Ordinal) ? TestTransformKey.FashionMnist
        : dataset.StartsWith("CIFAR", StringComparison.Ordinal) ? TestTransformKey.Cifar
        : TestTransformKey.ImageNet();
}
