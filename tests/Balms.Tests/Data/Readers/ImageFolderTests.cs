using Balms.Data;
using Balms.Data.LongTail;
using Balms.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Readers;

public class ImageFolderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Root => _folder.Combine("data");

    [Fact]
    public void SplitFoldersKeepTheUsersSplitsAndSortClassNamesOrdinally()
    {
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "train"), ("b_dog", 3), ("a_cat", 2), ("Zebra", 1));
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "test"), ("b_dog", 1), ("Zebra", 2));
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "val"), ("a_cat", 1));

        var splits = ImageFolder.Open(Root, testFraction: 0.5, valFraction: 0.5, seed: 0);

        // Ordinal order puts upper case first: Z (0x5A) < a (0x61) < b.
        Assert.Equal(["Zebra", "a_cat", "b_dog"], splits.ClassNames);
        Assert.Equal([0, 1, 1, 2, 2, 2], splits.Train.Labels);
        Assert.Equal([0, 0, 2], splits.Test.Labels);
        Assert.Equal([1], splits.Validation!.Labels);
        Assert.Equal([0, 1, 2, 3, 4, 5], splits.TrainIndices);
        Assert.Equal(Path.Combine(Root, "train", "a_cat", "0.png"), splits.Train.Describe(1));
        Assert.Equal("train/val/test folders", splits.Layout);
    }

    [Fact]
    public void ValFolderIsOptional()
    {
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "train"), ("a", 2), ("b", 1));
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "test"), ("a", 1), ("b", 1));

        var splits = ImageFolder.Open(Root, 0.2, 0, 0);

        Assert.Null(splits.Validation);
        Assert.Equal(3, splits.Train.Count);
    }

    [Theory]
    // count, test fraction, val fraction -> test, val: round half up, then at least one image stays in train (val gives way first).
    [InlineData(10, 0.2, 0.1, 2, 1)]
    [InlineData(3, 0.2, 0.2, 1, 1)]
    [InlineData(5, 0.1, 0.0, 1, 0)]
    [InlineData(4, 0.1, 0.0, 0, 0)]
    [InlineData(2, 0.5, 0.5, 1, 0)]
    [InlineData(1, 0.5, 0.0, 0, 0)]
    [InlineData(3, 0.9, 0.0, 2, 0)]
    public void HeldOutCountsRoundHalfUpAndKeepOneTrainingImage(int count, double test, double val, int expectedTest, int expectedVal)
    {
        Assert.Equal((expectedTest, expectedVal), ImageFolderHoldout.HeldOut(count, test, val));
    }

    [Fact]
    public void SingleFolderIsSplitByClassWithTheSeed()
    {
        ImageFolderFixture.WriteClasses(Root, ("head", 10), ("mid", 5), ("tail", 1));

        var splits = ImageFolder.Open(Root, testFraction: 0.2, valFraction: 0.1, seed: 7);

        Assert.Equal(["head", "mid", "tail"], splits.ClassNames);
        // head: 2 test, 1 val; mid: 1 test, round(0.5) = 1 val; tail: its only image stays in train.
        Assert.Equal([2L, 1, 0], new ImageDataset(splits.Test, NoTransform).ClassCounts());
        Assert.Equal([1L, 1, 0], new ImageDataset(splits.Validation!, NoTransform).ClassCounts());
        Assert.Equal([7L, 3, 1], new ImageDataset(splits.Train, NoTransform).ClassCounts());

        var all = new[] { splits.Train, splits.Validation!, splits.Test }
            .SelectMany(split => ((SubsetSource)split).BaseIndices).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 16), all);
        Assert.Equal(((SubsetSource)splits.Train).BaseIndices, splits.TrainIndices);

        var again = ImageFolder.Open(Root, 0.2, 0.1, seed: 7);
        Assert.Equal(((SubsetSource)splits.Test).BaseIndices, ((SubsetSource)again.Test).BaseIndices);
    }

    [Fact]
    public void TheSeedChoosesTheHeldOutImages()
    {
        ImageFolderFixture.WriteClasses(Root, ("a", 12), ("b", 12));

        var chosen = Enumerable.Range(0, 5)
            .Select(seed => string.Join(",", ((SubsetSource)ImageFolder.Open(Root, 0.25, 0, seed).Test).BaseIndices))
            .ToHashSet();

        Assert.True(chosen.Count > 1, "every seed held out the same images");
    }

    [Fact]
    public void OnlyVisibleImageFilesAreListed()
    {
        ImageFolderFixture.WriteClasses(Root, ("a", 2), ("b", 1));
        File.WriteAllText(Path.Combine(Root, "a", "notes.txt"), "not an image");
        File.WriteAllText(Path.Combine(Root, "a", "._0.png"), "macOS resource fork");
        Directory.CreateDirectory(Path.Combine(Root, ".thumbnails"));
        File.Copy(Path.Combine(Root, "b", "0.png"), Path.Combine(Root, "b", "UPPER.PNG"));

        var source = ImageFolderSource.Scan(Root, ImageFolderSource.ClassNamesOf(Root));

        Assert.Equal(["a", "b"], source.ClassNames);
        Assert.Equal(
            [Path.Combine(Root, "a", "0.png"), Path.Combine(Root, "a", "1.png"), Path.Combine(Root, "b", "0.png"), Path.Combine(Root, "b", "UPPER.PNG")],
            Enumerable.Range(0, source.Count).Select(source.ImagePath));
        Assert.Equal(ImageFolderFixture.Side, source.Read(3).Width);
    }

    [Fact]
    public void AnEmptyClassFolderIsNamed()
    {
        ImageFolderFixture.WriteClasses(Root, ("a", 2));
        Directory.CreateDirectory(Path.Combine(Root, "empty"));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.Contains(Path.Combine(Root, "empty"), error.Message);
        Assert.Contains("empty class folder", error.Message);
    }

    [Fact]
    public void ATestClassUnknownToTrainingIsNamed()
    {
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "train"), ("a", 2), ("b", 1));
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "test"), ("a", 1), ("stray", 1));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.Contains(Path.Combine(Root, "test", "stray"), error.Message);
    }

    [Fact]
    public void MissingFoldersSayWhatIsExpected()
    {
        Assert.Contains("does not exist", Assert.Throws<DataException>(() => ImageFolder.Open(_folder.Combine("nowhere"), 0.2, 0, 0)).Message);

        ImageFolderFixture.WriteClasses(Path.Combine(Root, "train"), ("a", 2));
        var noTest = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));
        Assert.Contains(Path.Combine(Root, "test"), noTest.Message);
    }

    [Fact]
    public void ASingleClassIsRefused()
    {
        ImageFolderFixture.WriteClasses(Root, ("only", 4));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.Equal($"{Root}: only one class folder ('only'); a classifier needs at least two classes, one sub-folder of images each", error.Message);
    }

    [Fact]
    public void AHoldoutWithoutTestImagesIsRejected()
    {
        ImageFolderFixture.WriteClasses(Root, ("a", 2), ("b", 2));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.1, 0, 0));

        Assert.Contains("holdout_fraction", error.Message);
    }

    [Fact]
    public void AnUnreadableImageIsNamedWhenRead()
    {
        ImageFolderFixture.WriteClasses(Root, ("a", 1));
        string broken = Path.Combine(Root, "a", "broken.jpg");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var source = ImageFolderSource.Scan(Root, ["a"]);

        var error = Assert.Throws<DataException>(() => source.Read(Enumerable.Range(0, source.Count).Single(i => source.ImagePath(i) == broken)));

        Assert.Contains(broken, error.Message);
    }

    [Fact]
    public void ALinkOutOfAClassFolderIsRefusedInsteadOfReadingTheOtherClassesUnderIt()
    {
        ImageFolderFixture.WriteClasses(Root, ("cat", 6), ("dog", 6));
        string up = Path.Combine(Root, "cat", "up");
        Directory.CreateSymbolicLink(up, "..");

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.StartsWith($"{up} links to the folder {RealPath.Of(Root)}, outside {RealPath.Of(Path.Combine(Root, "cat"))};", error.Message);
    }

    [Fact]
    public void AFolderReachedAgainThroughALinkInsideTheClassFolderIsReadOnce()
    {
        ImageFolderFixture.WriteClass(Path.Combine(Root, "cat"), "sub", 0, 2);
        ImageFolderFixture.WriteClasses(Root, ("cat", 3), ("dog", 1));
        Directory.CreateSymbolicLink(Path.Combine(Root, "cat", "sub", "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(Root, "cat", "again"), "sub");

        var source = ImageFolderSource.Scan(Root, ImageFolderSource.ClassNamesOf(Root));

        Assert.Equal([5L, 1], new ImageDataset(source, NoTransform).ClassCounts());
        Assert.Equal(source.Files.Select(file => file.RealPath).Distinct().Count(), source.Count);
    }

    [Fact]
    public void AnImageLinkedIntoTwoClassesIsRefusedNamingBothNames()
    {
        ImageFolderFixture.WriteClasses(Root, ("cat", 2), ("dog", 2));
        string link = Path.Combine(Root, "dog", "cat.png");
        File.CreateSymbolicLink(link, Path.Combine("..", "cat", "0.png"));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.StartsWith($"{Path.Combine(Root, "cat", "0.png")} and {link} are the same image file", error.Message);
    }

    [Fact]
    public void AnImageLinkedIntoTrainAndTestIsRefused()
    {
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "train"), ("a", 2), ("b", 2));
        ImageFolderFixture.WriteClasses(Path.Combine(Root, "test"), ("a", 1), ("b", 1));
        string link = Path.Combine(Root, "test", "b", "seen.png");
        File.CreateSymbolicLink(link, Path.Combine(Root, "train", "b", "1.png"));

        var error = Assert.Throws<DataException>(() => ImageFolder.Open(Root, 0.2, 0, 0));

        Assert.StartsWith($"{Path.Combine(Root, "train", "b", "1.png")} and {link} are the same image file", error.Message);
    }

    [Fact]
    public void ClassFoldersAndImagesMayBeLinksToFilesElsewhere()
    {
        // A dataset assembled from a pool of images without copying them.
        string pool = _folder.Combine("pool");
        ImageFolderFixture.WriteClasses(pool, ("cats", 3), ("dogs", 2));
        Directory.CreateDirectory(Root);
        Directory.CreateSymbolicLink(Path.Combine(Root, "cat"), Path.Combine(pool, "cats"));
        ImageFolderFixture.WriteClass(Root, "dog", 1, 1);
        File.CreateSymbolicLink(Path.Combine(Root, "dog", "from_pool.png"), Path.Combine(pool, "dogs", "0.png"));

        var source = ImageFolderSource.Scan(Root, ImageFolderSource.ClassNamesOf(Root));

        Assert.Equal([3L, 2], new ImageDataset(source, NoTransform).ClassCounts());
        Assert.Equal(Path.Combine(pool, "dogs", "0.png"), source.Files.Single(file => file.Path.EndsWith("from_pool.png")).RealPath);
    }

    private static readonly IImageTransform NoTransform = Balms.Data.Transforms.ImageTransforms.ImageNetTest(size: 32);
}
