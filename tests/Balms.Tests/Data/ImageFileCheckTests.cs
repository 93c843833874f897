using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data;

/// <summary>Every image file of an image folder or list is opened before the dataset is used.</summary>
public class ImageFileCheckTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class RecordedProgress : IPassProgress
    {
        public List<(string Description, int Images)> Passes { get; } = [];
        public List<int> Done { get; } = [];
        public void PassStarted(string description, int images) => Passes.Add((description, images));
        public void PassProgress(int imagesDone) => Done.Add(imagesDone);
    }

    private static ExperimentOptions Folder(string root, int workers) =>
        new() { Data = new DataOptions { Dataset = DatasetKind.ImageFolder, Root = root, Workers = workers } };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AFolderIsCheckedWholeWithItsProgressReportedAndItsFirstBadFileNamed(int workers)
    {
        string root = _temp.Combine("folder");
        ImageFolderFixture.WriteClasses(root, ("a", 150), ("b", 60));
        File.WriteAllBytes(Path.Combine(root, "b", "zero.jpg"), []);
        File.WriteAllText(Path.Combine(root, "a", "text.png"), "plain text");
        var progress = new RecordedProgress();

        var error = Assert.Throws<DataException>(() => DatasetCatalog.Load(Folder(root, workers), progress));

        // The splits are checked in the order train, val, test, each in its own order: with data seed 0 the first bad
        // file met is a/text.png.
        Assert.StartsWith($"{Path.Combine(root, "a", "text.png")}: not a readable image", error.Message);
        Assert.EndsWith("; 2 of the 212 image files cannot be read: remove or replace them", error.Message);
        Assert.Equal([("checking that every image file opens", 212)], progress.Passes);
        Assert.Equal(progress.Done.Order(), progress.Done);
        Assert.Equal(212, progress.Done[^1]);
        Assert.InRange(progress.Done.Count, 2, 212);
    }

    [Fact]
    public void AListedImageThatIsNoImageIsNamedWithItsListAndLineUnlessSkipped()
    {
        using var fixture = ImageListFixture.Tiny();
        File.WriteAllBytes(fixture.ImagePath("test/class_1/1.jpg"), []);
        var options = new ExperimentOptions
        {
            Data = new DataOptions { Dataset = DatasetKind.ImagenetLt, Root = fixture.Root, ListDir = fixture.ListDir },
        };

        var error = Assert.Throws<DataException>(() => DatasetCatalog.Load(options));

        Assert.Equal($"{fixture.ListPath("test")}, line 2: {fixture.ImagePath("test/class_1/1.jpg")}: not a readable image (corrupt, empty, or a format SkiaSharp does not decode); " +
                     "1 of the 12 image files cannot be read: restore them, or set data.skip_bad_images: true to leave them out", error.Message);
        var progress = new RecordedProgress();
        var skipping = DatasetCatalog.Load(options with { Data = options.Data with { SkipBadImages = true } }, progress);
        Assert.Equal(2, skipping.Test.Count);
        Assert.Equal(new[] { "train", "val", "test" }.Select(split => ($"decoding every image of ImageNet_LT_{split}.txt to leave out unreadable ones", split == "train" ? 6 : 3)),
            progress.Passes);
    }
}
