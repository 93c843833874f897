using Balms.Data;
using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class ImageTransformsTests
{
    public static TheoryData<string> TrainTransforms => new("CifarTrain", "FashionMnistTrain", "ImageNetTrain");

    private static IImageTransform Create(string name) => name switch
    {
        "CifarTrain" => ImageTransforms.CifarTrain(),
        "CifarTest" => ImageTransforms.Test(TestTransformKey.Cifar),
        "FashionMnistTrain" => ImageTransforms.FashionMnistTrain(),
        "FashionMnistTest" => ImageTransforms.Test(TestTransformKey.FashionMnist),
        "ImageNetTrain" => ImageTransforms.ImageNetTrain(),
        "ImageNetTest" => ImageTransforms.ImageNetTest(),
        _ => throw new ArgumentException(name),
    };

    private static RawImage InputFor(string name, int seed) => name switch
    {
        _ when name.StartsWith("Cifar") => Noise(32, 32, 3, seed),
        _ when name.StartsWith("FashionMnist") => Noise(28, 28, 1, seed),
        _ => Noise(60, 45, 3, seed),
    };

    [Theory]
    [InlineData("CifarTrain", 3, 32)]
    [InlineData("CifarTest", 3, 32)]
    [InlineData("FashionMnistTrain", 1, 28)]
    [InlineData("FashionMnistTest", 1, 28)]
    [InlineData("ImageNetTrain", 3, 224)]
    [InlineData("ImageNetTest", 3, 224)]
    public void OutputShapeMatchesTheDataset(string name, int channels, int size) =>
        Assert.Equal(new SampleShape(channels, size, size), Create(name).OutputShape);

    [Fact]
    public void FashionMnistTestOnlyNormalises()
    {
        var image = Grey(28, 28, Enumerable.Range(0, 784).Select(i => (byte)(i % 256)).ToArray());
        float[] sample = Transform(Create("FashionMnistTest"), image, seed: 0);
        for (int i = 0; i < 784; i++) Assert.Equal((i % 256 / 255.0 - 0.2860) / 0.3530, sample[i], 1e-5);
    }

    [Fact]
    public void ImageNetTestCropsTheCentreOfAnImageWithShorterSide256()
    {
        // Already 256 high, so no resize; the crop starts at column round((320 - 224) / 2) = 48, row 16.
        var image = Noise(256, 320, 3, seed: 6);
        float[] sample = Transform(ImageTransforms.ImageNetTest(), image, seed: 0);
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        foreach ((int c, int y, int x) in new[] { (0, 0, 0), (1, 100, 37), (2, 223, 223) })
            Assert.Equal((image[16 + y, 48 + x, c] / 255.0 - mean[c]) / std[c], sample[(c * 224 + y) * 224 + x], 1e-5);
    }

    [Fact]
    public void ImageNetTestAcceptsAnySizeAndRejectsGreyscale()
    {
        Assert.Equal(3 * 224 * 224, Transform(ImageTransforms.ImageNetTest(), Noise(90, 130, 3, seed: 1), 0).Length);
        Assert.Throws<DataException>(() => Transform(ImageTransforms.ImageNetTest(), Noise(300, 300, 1, 0), 0));
    }

    [Fact]
    public void CifarTestOnlyNormalisesAndIgnoresTheSeed()
    {
        var image = Noise(32, 32, 3, seed: 4);
        float[] sample = Transform(Create("CifarTest"), image, seed: 0);
        Assert.Equal(sample, Transform(Create("CifarTest"), image, seed: 1));
        Assert.Equal((image[5, 7, 1] / 255.0 - 0.4822) / 0.1994, sample[1024 + 5 * 32 + 7], 1e-5);
    }

    [Theory]
    [MemberData(nameof(TrainTransforms))]
    public void TrainTransformIsDeterministicForASeedAndVariesAcrossSeeds(string name)
    {
        var transform = Create(name);
        var image = InputFor(name, seed: 11);
        float[] first = Transform(transform, image, seed: 42);
        Assert.Equal(first, Transform(transform, image, seed: 42));
        int distinct = Enumerable.Range(0, 10)
            .Select(seed => string.Join(",", Transform(transform, image, seed)))
            .Distinct().Count();
        Assert.True(distinct >= 9, $"only {distinct} distinct samples from 10 seeds");
    }

    [Fact]
    public void FashionMnistTrainOutputsOnlyInputValuesOrPadding()
    {
        var image = Grey(28, 28, Enumerable.Range(0, 784).Select(i => (byte)(1 + i % 200)).ToArray());
        var allowed = image.Pixels.Append((byte)0).Select(v => (float)((v / 255.0 - 0.2860) / 0.3530)).ToArray();
        bool sawPadding = false;
        for (int seed = 0; seed < 10; seed++)
        {
            float[] sample = Transform(ImageTransforms.FashionMnistTrain(), image, seed);
            Assert.All(sample, v => Assert.Contains(allowed, a => Math.Abs(a - v) < 1e-5));
            sawPadding |= sample.Any(v => Math.Abs(v - allowed[^1]) < 1e-5);
        }
        Assert.True(sawPadding);
    }

    [Fact]
    public void CifarTrainGivesTheSameSamplesOnParallelThreads()
    {
        var transform = ImageTransforms.CifarTrain();
        var images = Enumerable.Range(0, 64).Select(i => Noise(32, 32, 3, seed: i)).ToArray();
        float[][] sequential = images.Select((image, i) => Transform(transform, image, seed: i)).ToArray();
        var parallel = new float[images.Length][];
        Parallel.For(0, images.Length, i => parallel[i] = Transform(transform, images[i], seed: i));
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void TransformsLeaveTheInputImageUnchanged()
    {
        var image = Noise(32, 32, 3, seed: 8);
        byte[] before = image.Pixels.ToArray();
        for (int seed = 0; seed < 20; seed++) Transform(ImageTransforms.CifarTrain(), image, seed);
        Assert.Equal(before, image.Pixels);
    }

    [Fact]
    public void WrongChannelCountOrSizeIsADataError()
    {
        Assert.Throws<DataException>(() => Transform(ImageTransforms.CifarTrain(), Noise(32, 32, 1, 0), 0));
        Assert.Throws<DataException>(() => Transform(Create("CifarTest"), Noise(30, 32, 3, 0), 0));
        Assert.Throws<DataException>(() => Transform(Create("FashionMnistTest"), new RawImage(new byte[10], 28, 28, 1), 0));
    }

    [Fact]
    public void DestinationOfTheWrongLengthIsRejected() =>
        Assert.Throws<ArgumentException>(() =>
            Create("CifarTest").Apply(Noise(32, 32, 3, 0), new Random(0), new float[100]));
}
