namespace Balms.Data.Transforms;

/// <summary>The train and test transforms of the original BALMS code, per dataset family.</summary>
public static class ImageTransforms
{
    internal const int CifarSize = 32, FashionMnistSize = 28, ImageNetSize = 224;
    private const int CropPadding = 4, CutoutLength = 16, ImageNetResize = 256;
    private const double JitterStrength = 0.4;

    /// <summary>
    /// RandomCrop(32, padding 4) -> RandomHorizontalFlip -> CIFAR-10 AutoAugment -> ToTensor -> Cutout(1 hole, 16)
    /// -> Normalize (CIFAR statistics). Expects 32x32 RGB images.
    /// </summary>
    public static IImageTransform CifarTrain() => new ImagePipeline(
        CifarSize, CifarSize,
        [new PaddedRandomCrop(CifarSize, CropPadding), new RandomHorizontalFlip(), new CifarAutoAugment()],
        new NormalizeToChw(ChannelNormalization.Cifar, CutoutLength));

    /// <summary>RandomCrop(28, padding 4) -> RandomHorizontalFlip -> ToTensor -> Normalize. Expects 28x28 greyscale.</summary>
    public static IImageTransform FashionMnistTrain() => new ImagePipeline(
        FashionMnistSize, FashionMnistSize,
        [new PaddedRandomCrop(FashionMnistSize, CropPadding), new RandomHorizontalFlip()],
        new NormalizeToChw(ChannelNormalization.FashionMnist));

    /// <summary>
    /// RandomResizedCrop(224) -> RandomHorizontalFlip -> ColorJitter(0.4, 0.4, 0.4) -> ToTensor -> Normalize (ImageNet
    /// statistics), as used for ImageNet-LT and Places-LT. Expects RGB images of any size. <paramref name="size"/>
    /// replaces 224 for other input sizes (image folders).
    /// </summary>
    public static IImageTransform ImageNetTrain(int size = ImageNetSize) => new ImagePipeline(
        size, size,
        [new RandomResizedCrop(size), new RandomHorizontalFlip(), new ColorJitter(JitterStrength, JitterStrength, JitterStrength)],
        new NormalizeToChw(ChannelNormalization.ImageNet));

    /// <summary>
    /// Resize(256) (shorter side) -> CenterCrop(224) -> ToTensor -> Normalize (ImageNet statistics). Expects RGB images
    /// of any size. For another <paramref name="size"/> the resize keeps ImageNet's ratio: shorter side
    /// size * 256 / 224 (truncated).
    /// </summary>
    public static IImageTransform ImageNetTest(int size = ImageNetSize) =>
        new ImagePipeline(
            size, size,
            [new ResizeShorterSide(size * ImageNetResize / ImageNetSize), new CenterCrop(size)],
            new NormalizeToChw(ChannelNormalization.ImageNet));

    /// <summary>
    /// The test transform <paramref name="key"/> names: <see cref="ImageNetTest"/> at its size, or ToTensor ->
    /// Normalize with the CIFAR (RGB) or Fashion-MNIST (greyscale) statistics. Those two expect images of exactly
    /// size x size, so that a reader handing the test split the wrong size is an error; prediction takes images of any
    /// size and asks for <paramref name="resizeToSquare"/>, which first resizes every other size to the square input.
    /// </summary>
    public static IImageTransform Test(TestTransformKey key, bool resizeToSquare = false) =>
        key.Family == TestTransformKey.ImageNetFamily
            ? ImageNetTest(size: key.Size)
            : Square(key.Size, TestNormalization(key), resizeToSquare);

    /// <summary>The per-channel statistics the test transform of <paramref name="key"/> normalises with.</summary>
    public static ChannelNormalization TestNormalization(TestTransformKey key) => key.Family switch
    {
        TestTransformKey.ImageNetFamily => ChannelNormalization.ImageNet,
        TestTransformKey.CifarFamily => ChannelNormalization.Cifar,
        TestTransformKey.FashionMnistFamily => ChannelNormalization.FashionMnist,
        _ => throw new ArgumentException($"no test transform of family '{key.Family}'", nameof(key)),
    };

    /// <summary>
    /// How the test transform of <paramref name="key"/>, as prediction uses it (<c>resizeToSquare</c>), brings an image
    /// to the network's input size, in words for users of an exported model.
    /// </summary>
    public static string DescribeTestResize(TestTransformKey key) =>
        key.Family == TestTransformKey.ImageNetFamily
            ? $"resize the shorter side to {key.Size * ImageNetResize / ImageNetSize} pixels (bilinear), then crop the centre {key.Size}x{key.Size}"
            : $"resize to {key.Size}x{key.Size} pixels (bilinear), unless the image is that size already";

    private static IImageTransform Square(int size, ChannelNormalization normalization, bool resizeToSquare) =>
        new ImagePipeline(
            size, size, resizeToSquare ? [new ResizeToSquare(size)] : [], new NormalizeToChw(normalization));
}
