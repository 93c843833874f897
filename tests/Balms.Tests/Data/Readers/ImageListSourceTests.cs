using Balms.Data;
using Balms.Data.Readers;
using Balms.Tests.Data.Images;

namespace Balms.Tests.Data.Readers;

public class ImageListSourceTests
{
    private static ImageListSource TrainList(ImageListFixture fixture) =>
        (ImageListSource)ImageListBenchmark.ImageNetLt.Open(fixture.Root, fixture.ListDir, false, 1).Train.Samples;

    [Fact]
    public void ReadDecodesTheListedImageUnderTheRoot()
    {
        using var fixture = ImageListFixture.Tiny();
        var train = TrainList(fixture);

        Assert.Equal([0, 0, 0, 1, 1, 2], train.Labels);
        Assert.Equal(fixture.ImagePath("train/class_1/3.jpg"), train.ImagePath(3));
        for (int index = 0; index < train.Count; index++)
        {
            var image = train.Read(index);
            Assert.Equal((ImageListFixture.ImageHeight, ImageListFixture.ImageWidth, 3), (image.Height, image.Width, image.Channels));
            byte[] colour = ImageListFixture.ColourOf(train.Labels[index]);
            // Even indices are PNG (lossless), odd ones JPEG.
            int tolerance = index % 2 == 0 ? 0 : 3;
            for (int i = 0; i < image.Pixels.Length; i++)
                Assert.InRange(image.Pixels[i], colour[i % 3] - tolerance, colour[i % 3] + tolerance);
        }
    }

    [Fact]
    public void DescribeNamesImageListAndLine()
    {
        using var fixture = ImageListFixture.Tiny();

        Assert.Equal($"{fixture.ImagePath("train/class_1/4.png")} ({fixture.ListPath("train")}, line 5)", TrainList(fixture).Describe(4));
    }

    [Fact]
    public void MissingImageNamesImageListAndLine()
    {
        using var fixture = ImageListFixture.Tiny();
        File.Delete(fixture.ImagePath("train/class_0/2.png"));

        var error = Assert.Throws<DataException>(() => TrainList(fixture).Read(2));

        Assert.Equal($"{fixture.ListPath("train")}, line 3: {fixture.ImagePath("train/class_0/2.png")}: image file not found", error.Message);
    }

    [Fact]
    public void CorruptImageNamesImageListAndLine()
    {
        using var fixture = ImageListFixture.Tiny();
        File.WriteAllText(fixture.ImagePath("train/class_1/3.jpg"), "not a jpeg");

        var error = Assert.Throws<DataException>(() => TrainList(fixture).Read(3));

        Assert.StartsWith($"{fixture.ListPath("train")}, line 4: {fixture.ImagePath("train/class_1/3.jpg")}: ", error.Message);
    }

    [Fact]
    public void ParallelReadsGiveTheSequentialResults()
    {
        using var fixture = new ImageListFixture();
        var labels = Enumerable.Range(0, 24).Select(i => i % 4).ToArray();
        fixture.WriteSplit("train", labels);
        for (int i = 0; i < labels.Length; i += 2)
            fixture.WriteImage($"train/class_{labels[i]}/{i}.png", ImageFiles.Gradient(20 + i, 30, 3));
        fixture.WriteSplit("val", [0]);
        fixture.WriteSplit("test", [0]);
        var train = TrainList(fixture);
        var sequential = Enumerable.Range(0, train.Count).Select(i => train.Read(i).Pixels).ToArray();

        var parallel = new byte[4 * train.Count][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = train.Read(i % train.Count).Pixels);

        for (int i = 0; i < parallel.Length; i++) Assert.Equal(sequential[i % train.Count], parallel[i]);
    }
}
