using Balms.Data;
using Balms.Data.Readers;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Readers;

public class ImageListFileTests
{
    [Fact]
    public void ReadsPathsLabelsAndLineNumbersSkippingBlankLines()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("list.txt");
        File.WriteAllText(path, "train/n01/a.JPEG 0\n\ntrain/n02/b.JPEG\t\t17\r\n  val/c.jpg   3  \n");

        var entries = ImageListFile.Read(path);

        Assert.Equal(
            [new ImageListEntry("train/n01/a.JPEG", 0, 1), new ImageListEntry("train/n02/b.JPEG", 17, 3), new ImageListEntry("val/c.jpg", 3, 4)],
            entries);
    }

    [Theory]
    [InlineData("a.jpg 0\nb.jpg\n", "line 2: expected '<relative image path> <label>'")]
    [InlineData("a.jpg 0\nb.jpg 1\nc d.jpg 2\n", "line 3: expected '<relative image path> <label>'")]
    [InlineData("a.jpg zero\n", "line 1: label 'zero' is not an integer")]
    [InlineData("a.jpg 0\nb.jpg 1.5\n", "line 2: label '1.5' is not an integer")]
    [InlineData("a.jpg 0\nb.jpg -1\n", "line 2: label -1 is negative")]
    [InlineData("a.jpg 99999999999\n", "line 1: label '99999999999' is not an integer")]
    public void MalformedLineNamesFileAndLine(string text, string expected)
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("list.txt");
        File.WriteAllText(path, text);

        var error = Assert.Throws<DataException>(() => ImageListFile.Read(path));

        Assert.StartsWith($"{path}, {expected}", error.Message);
    }

    [Fact]
    public void ListWithoutImagesIsAnError()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("list.txt");
        File.WriteAllText(path, "\n  \n");

        var error = Assert.Throws<DataException>(() => ImageListFile.Read(path));

        Assert.Equal($"{path}: the list holds no images", error.Message);
    }

    [Fact]
    public void MissingListIsNamed()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("absent.txt");

        var error = Assert.Throws<DataException>(() => ImageListFile.Read(path));

        Assert.Equal($"{path}: list file not found", error.Message);
    }

    [Fact]
    public void ClassNamesMayCarryTheirIdOrNot()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("names.txt");
        File.WriteAllText(path, "/a/airfield 0\n/a/alley 1\nn01440764 tench, Tinca tinca\n\n");

        var names = ImageListFile.ReadClassNames(path, classCount: 3);

        Assert.Equal(["/a/airfield", "/a/alley", "n01440764 tench, Tinca tinca"], names);
    }

    [Fact]
    public void ClassNameIdsMustBeInOrder()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("names.txt");
        File.WriteAllText(path, "cat 0\ndog 2\n");

        var error = Assert.Throws<DataException>(() => ImageListFile.ReadClassNames(path, classCount: 2));

        Assert.StartsWith($"{path}, line 2: class id 2 where 1 was expected", error.Message);
    }

    [Fact]
    public void ClassNameCountMustMatchTheClasses()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("names.txt");
        File.WriteAllText(path, "cat\ndog\n");

        var error = Assert.Throws<DataException>(() => ImageListFile.ReadClassNames(path, classCount: 3));

        Assert.Equal($"{path}: 2 class names, but the training list has 3 classes", error.Message);
    }
}
