using Balms.Data;
using Balms.Data.LongTail;
using Balms.Data.Readers;
using Balms.Data.Transforms;

namespace Balms.Tests.Data.Readers;

public class ImageListSplitTests
{
    private static ImageListSplits Open(ImageListFixture fixture, bool skip, int workers = 1) =>
        ImageListBenchmark.ImageNetLt.Open(fixture.Root, fixture.ListDir, skip, workers);

    /// <summary>Tiny, with train line 2 missing, train line 5 corrupt and test line 3 truncated.</summary>
    private static ImageListFixture WithBadFiles()
    {
        var fixture = ImageListFixture.Tiny();
        File.Delete(fixture.ImagePath("train/class_0/1.jpg"));
        File.WriteAllBytes(fixture.ImagePath("train/class_1/4.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        string test = fixture.ImagePath("test/class_2/2.png");
        File.WriteAllBytes(test, File.ReadAllBytes(test)[..40]);
        return fixture;
    }

    [Fact]
    public void WithoutSkippingEveryListedImageIsKept()
    {
        using var fixture = WithBadFiles();

        var splits = Open(fixture, skip: false);

        Assert.Equal(6, splits.Train.Samples.Count);
        Assert.Empty(splits.Train.Skipped);
        Assert.Throws<DataException>(() => splits.Train.Samples.Read(1));
    }

    [Fact]
    public void SkippingLeavesOutAndCountsTheUnreadableImages()
    {
        using var fixture = WithBadFiles();

        var splits = Open(fixture, skip: true);

        Assert.Equal([0, 2, 3, 5], splits.Train.ListIndices);
        Assert.Equal([1, 4], splits.Train.Skipped.Select(s => s.ListIndex));
        Assert.StartsWith($"{fixture.ListPath("train")}, line 2: {fixture.ImagePath("train/class_0/1.jpg")}: image file not found", splits.Train.Skipped[0].Reason);
        Assert.StartsWith($"{fixture.ListPath("train")}, line 5: {fixture.ImagePath("train/class_1/4.png")}: ", splits.Train.Skipped[1].Reason);
        Assert.Empty(splits.Validation.Skipped);
        Assert.Equal([2], splits.Test.Skipped.Select(s => s.ListIndex));

        var train = Assert.IsType<SubsetSource>(splits.Train.Samples);
        Assert.Equal([0, 0, 1, 2], train.Labels);
        Assert.Equal(3, train.ClassCount);
        for (int i = 0; i < train.Count; i++) train.Read(i);
        Assert.Equal([2L, 1, 1], new ImageDataset(train, ImageTransforms.ImageNetTest()).ClassCounts());
    }

    [Fact]
    public void SkippedImagesDoNotDependOnTheNumberOfThreads()
    {
        using var fixture = WithBadFiles();

        var one = Open(fixture, skip: true, workers: 1);
        var three = Open(fixture, skip: true, workers: 3);

        Assert.Equal(one.Train.ListIndices, three.Train.ListIndices);
        Assert.Equal(one.Train.Skipped, three.Train.Skipped);
        Assert.Equal(one.Test.Skipped, three.Test.Skipped);
    }

    [Fact]
    public void ListWithNoReadableImageIsAnError()
    {
        using var fixture = ImageListFixture.Tiny();
        foreach (string file in Directory.GetFiles(Path.Combine(fixture.Root, "val"), "*", SearchOption.AllDirectories)) File.Delete(file);

        var error = Assert.Throws<DataException>(() => Open(fixture, skip: true));

        Assert.StartsWith($"{fixture.ListPath("val")}: none of the 3 listed images can be read", error.Message);
    }
}
