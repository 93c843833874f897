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

    /// <summary>Reads the text <see cref="ToString"/> writes, as a checkpoint records it.</summary>
    /// <exception cref="BalmsException">Not family:size, or an unknown family.</exception>
    public static TestTransformKey Parse(string key)
    {
        string[] parts = key.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1)
            throw new BalmsException($"checkpoint input transform '{key}' is not family:size (e.g. imagenet:224)");
        if (!Families.Contains(parts[0]))
            throw new BalmsException($"checkpoint input transform '{key}' names an unknown family; valid: {string.Join(", ", Families)}");
        return new TestTransformKey(parts[0], size);
    }
}
