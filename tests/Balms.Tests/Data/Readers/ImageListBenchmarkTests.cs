using Balms.Data;
using Balms.Data.Readers;
using Balms.Data.Transforms;
using Balms.Evaluation;

namespace Balms.Tests.Data.Readers;

public class ImageListBenchmarkTests
{
    private static ImageListSplits Open(ImageListFixture fixture, bool skip = false) =>
        ImageListBenchmark.ImageNetLt.Open(fixture.Root, fixture.ListDir, skip, workers: 1);

    /// <summary>Lists only (no image is read when skipping is off): labels 0..n-1 with the given counts per class.</summary>
    private static string ListWithCounts(params int[] counts) => string.Concat(
        counts.SelectMany((count, label) => Enumerable.Range(0, count).Select(i => $"train/{label}/{i}.jpg {label}\n")));

    [Fact]
    public void ClassCountIsTheLargestTrainingLabelPlusOne()
    {
        using var fixture = new ImageListFixture();
        Directory.CreateDirectory(fixture.Root);
        // 101 images = many (> 100), 100 and 20 = medium, 19 = few, and class 4 has none but is below the largest label.
        fixture.WriteListText("train", ListWithCounts(101, 100, 20, 19, 0, 1));
        fixture.WriteListText("val", "v/a.jpg 5\nv/b.jpg 0\n");
        fixture.WriteListText("test", "t/a.jpg 4\n");

        var splits = Open(fixture);
        var train = new ImageDataset(splits.Train.Samples, ImageTransforms.ImageNetTest());

        Assert.Equal(6, train.ClassCount);
        Assert.Equal(241, train.Count);
        Assert.Equal([101L, 100, 20, 19, 0, 1], train.ClassCounts());
        Assert.Equal(
            [ShotGroup.Many, ShotGroup.Medium, ShotGroup.Medium, ShotGroup.Few, ShotGroup.Few, ShotGroup.Few],
            train.ClassCounts().Select(ShotGroups.Of));
        Assert.Equal(["class_0", "class_1", "class_2", "class_3", "class_4", "class_5"], splits.ClassNames);
        Assert.Equal([5, 0], splits.Validation.Samples.Labels);
        Assert.Equal(6, splits.Test.Samples.ClassCount);
        Assert.Equal(Enumerable.Range(0, 241), splits.Train.ListIndices);
    }

    [Fact]
    public void ASingleClassIsRefused()
    {
        using var fixture = ImageListFixture.Tiny();
        fixture.WriteListText("train", ListWithCounts(5));

        var error = Assert.Throws<DataException>(() => Open(fixture));

        Assert.Equal($"{fixture.ListPath("train")}: every image has label 0, a single class; a classifier needs at least two classes", error.Message);
    }

    [Theory]
    [InlineData("val")]
    [InlineData("test")]
    public void LabelBeyondTheTrainingClassesNamesFileAndLine(string split)
    {
        using var fixture = ImageListFixture.Tiny();
        fixture.WriteListText(split, "x/a.jpg 1\nx/b.jpg 2\nx/c.jpg 3\n");

        var error = Assert.Throws<DataException>(() => Open(fixture));

        Assert.StartsWith($"{fixture.ListPath(split)}, line 3: label 3 is beyond the 3 classes of the training list", error.Message);
    }

    [Fact]
    public void MalformedTrainingListNamesFileAndLine()
    {
        using var fixture = ImageListFixture.Tiny();
        fixture.WriteListText("train", "x/a.jpg 0\nx/b.jpg -2\n");

        var error = Assert.Throws<DataException>(() => Open(fixture));

        Assert.StartsWith($"{fixture.ListPath("train")}, line 2: label -2 is negative", error.Message);
    }

    [Fact]
    public void ClassNamesFileNextToTheListsIsUsed()
    {
        using var fixture = ImageListFixture.Tiny();
        File.WriteAllText(Path.Combine(fixture.ListDir, "ImageNet_LT_classnames.txt"), "tench\ngoldfish\nshark\n");

        var splits = Open(fixture);

        Assert.Equal(["tench", "goldfish", "shark"], splits.ClassNames);
        Assert.Same(splits.ClassNames, splits.Test.Samples.ClassNames);
    }

    [Fact]
    public void MissingImageRootSaysWhereImagesComeFrom()
    {
        using var fixture = ImageListFixture.Tiny();
        string root = fixture.Root + "-absent";

        var error = Assert.Throws<DataException>(() => ImageListBenchmark.PlacesLt.Open(root, fixture.ListDir, false, 1));

        Assert.Contains(root, error.Message);
        Assert.Contains("Places365", error.Message);
        Assert.Contains("places2.csail.mit.edu", error.Message);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("val")]
    [InlineData("test")]
    public void MissingListSaysWhereListsComeFrom(string split)
    {
        using var fixture = ImageListFixture.Tiny();
        File.Delete(fixture.ListPath(split));

        var error = Assert.Throws<DataException>(() => Open(fixture));

        Assert.Contains(fixture.ListPath(split), error.Message);
        Assert.Contains("data/ImageNet_LT folder of the original repository", error.Message);
        Assert.Contains(ImageListBenchmark.ListsRepository, error.Message);
    }

    [Fact]
    public void PlacesListsAreNamedAfterPlaces()
    {
        using var fixture = ImageListFixture.Tiny();

        var error = Assert.Throws<DataException>(() => ImageListBenchmark.PlacesLt.Open(fixture.Root, fixture.ListDir, false, 1));

        Assert.Contains(Path.Combine(fixture.ListDir, "Places_LT_train.txt"), error.Message);
        Assert.Contains("data/Places_LT folder", error.Message);
    }
}
