using System.Globalization;

namespace Balms.Data.Transforms;

/// <summary>
/// Names the test transform of a dataset family at its square input size; <see cref="ImageTransforms.Test"/> builds
/// it. A training run records the key in its checkpoints so that prediction prepares images exactly as the run's test
/// split was prepared; that is why the dataset catalog builds its test transforms from a key too.
/// </summary>
public sealed record TestTransformKey(string Family, int Size)
{
    public const string ImageNetFamily = "imagenet", CifarFamily = "cifar", FashionMnistFamily = "fashion_mnist";

    /// <summary>The families <see cref="ImageTransforms.Test"/> knows, in the order error messages list them.</summary>
    public static IReadOnlyList<string> Families { get; } = [ImageNetFamily, CifarFamily, FashionMnistFamily];

    public static TestTransformKey Cifar { get; } = new(CifarFamily, ImageTransforms.CifarSize);

    public static TestTransformKey FashionMnist { get; } = new(FashionMnistFamily, ImageTransforms.FashionMnistSize);

    public static TestTransformKey ImageNet(int size = ImageTransforms.ImageNetSize) => new(ImageNetFamily, size);

    /// <summary>
    /// family:size, e.g. imagenet:224 or cifar:32: the text checkpoints hold, so existing checkpoints depend on it
    /// staying exactly this.
    /// </summary>
    public override string ToString() => $"{Family}:{Size.ToString(CultureInfo.InvariantCulture)}";
}
