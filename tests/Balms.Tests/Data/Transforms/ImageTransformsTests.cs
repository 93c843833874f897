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
    public void CifarTrainCutsAHoleIntoEverySampleAndAutoAugmentsMany()
    {
        // A flat colour: crop and flip change nothing inside the 4-pixel border that padding can reach. No AutoAugment
        // operation turns this colour black, so black inside the border is Cutout's 16x16 hole, which covers at least
        // 4x4 of the inside wherever its centre falls. Any colour other than the input's or black is AutoAugment's.
        byte[] colour = [100, 150, 200];
        var image = Rgb(32, 32, Enumerable.Range(0, 32 * 32 * 3).Select(i => colour[i % 3]).ToArray());
        double[] mean = [0.4914, 0.4822, 0.4465], std = [0.2023, 0.1994, 0.2010];
        bool Is(float[] sample, int y, int x, Func<int, double> value) =>
            Enumerable.Range(0, 3).All(c => Math.Abs(sample[(c * 32 + y) * 32 + x] - (value(c) / 255.0 - mean[c]) / std[c]) < 1e-4);
        int augmented = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            float[] sample = Transform(ImageTransforms.CifarTrain(), image, seed);
            int black = 0;
            bool otherColour = false;
            for (int y = 4; y < 28; y++)
            for (int x = 4; x < 28; x++)
            {
                if (Is(sample, y, x, _ => 0)) black++;
                else if (!Is(sample, y, x, c => colour[c])) otherColour = true;
            }
            Assert.True(black >= 16, $"seed {seed}: {black} black pixels inside the border");
            if (otherColour) augmented++;
        }
        Assert.True(augmented >= 15, $"only {augmented} of 40 samples changed by AutoAugment");
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
