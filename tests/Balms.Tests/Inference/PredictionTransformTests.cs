using Balms.Configuration;
using Balms.Data;
using Balms.Inference;
using Balms.Tests.Data.Images;
using Balms.Training.Checkpoints;

namespace Balms.Tests.Inference;

public class PredictionTransformTests
{
    [Theory]
    [InlineData(DatasetKind.FashionMnistLt, 224, "fashion_mnist:28")]
    [InlineData(DatasetKind.Cifar100Lt, 224, "cifar:32")]
    [InlineData(DatasetKind.PlacesLt, 64, "imagenet:224")]
    [InlineData(DatasetKind.ImageFolder, 64, "imagenet:64")]
    public void TheKeyNamesTheTestTransformOfTheDataset(DatasetKind dataset, int imageSize, string expected) =>
        Assert.Equal(expected, PredictionTransform.KeyFor(new DataOptions { Dataset = dataset, ImageSize = imageSize }));

    [Theory]
    [InlineData("imagenet:64", "image folder x", 3, 64)]
    [InlineData("cifar:32", "anything", 3, 32)]
    [InlineData(null, "Fashion-MNIST-LT (IF 200)", 1, 28)]
    [InlineData(null, "CIFAR-10-LT (IF 100)", 3, 32)]
    [InlineData(null, "ImageNet-LT", 3, 224)]
    public void TheTransformComesFromTheKeyOrElseTheDatasetName(string? key, string dataset, int channels, int size)
    {
        var transform = PredictionTransform.For(Info(key, dataset));

        Assert.Equal(new SampleShape(channels, size, size), transform.OutputShape);
    }

    [Fact]
    public void FixedSizeFamiliesResizeOtherImagesAndLeaveTheirOwnSizeUntouched()
    {
        var transform = PredictionTransform.For(Info("cifar:32", "x"));
        var own = Balms.Data.Transforms.ImageTransforms.CifarTest();
        var image = ImageFiles.Gradient(32, 32, 3);
        float[] expected = new float[own.OutputShape.Length], actual = new float[own.OutputShape.Length];
        own.Apply(image, new Random(0), expected);
        transform.Apply(image, new Random(0), actual);
        Assert.Equal(expected, actual);

        // A flat 64x48 image resizes to a flat 32x32 one of the same colour.
        float[] flat = new float[own.OutputShape.Length], reference = new float[own.OutputShape.Length];
        transform.Apply(ImageFiles.Flat(64, 48, 10, 120, 250), new Random(0), flat);
        own.Apply(ImageFiles.Flat(32, 32, 10, 120, 250), new Random(0), reference);
        Assert.Equal(reference, flat);
    }

    [Fact]
    public void UnknownKeysAreRejected()
    {
        Assert.Throws<BalmsException>(() => PredictionTransform.For(Info("imagenet", "x")));
        Assert.Throws<BalmsException>(() => PredictionTransform.For(Info("mnist:28", "x")));
    }

    [Fact]
    public void LumaIsPilsConvertL()
    {
        // PIL: Image.new('RGB', (1, 1), c).convert('L') gives 76 for red, 150 for green, 29 for blue, 255 for white.
        var rgb = new RawImage([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 1, 4, 3);

        Assert.Equal([76, 150, 29, 255], PredictionImages.Luma(rgb).Pixels);
    }

    private static CheckpointInfo Info(string? key, string dataset) => new()
    {
        Backbone = "resnet32", InputChannels = 3, ClassCount = 2, ClassNames = ["a", "b"], ClassCounts = [1, 1],
        Dataset = dataset, Experiment = "x", Epoch = 1, GlobalStep = 1, InputTransform = key,
    };
}
