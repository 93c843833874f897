using Balms.Data;
using Balms.Inference;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Inference;

/// <summary>Which files `predict` classifies for the paths it is given.</summary>
public class PredictionImagesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Touch(params string[] parts)
    {
        string path = _temp.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Fact]
    public void FilesStayAsGivenAndFoldersExpandToTheirImagesAtAnyDepthInOrdinalOrder()
    {
        string single = Touch("single.png");
        string[] inFolder = [Touch("folder", "B.png"), Touch("folder", "a.jpg"), Touch("folder", "deep", "er", "c.JPEG")];
        Touch("folder", "notes.txt");
        Touch("folder", ".hidden", "d.png");

        var paths = PredictionImages.Expand([single, _temp.Combine("folder")]);

        // Ordinal order puts capitals first: B.png, a.jpg, deep/er/c.JPEG.
        Assert.Equal([single, inFolder[0], inFolder[1], inFolder[2]], paths);
    }

    [Fact]
    public void AMissingPathOrAFolderWithoutImagesIsNamed()
    {
        Touch("empty", "readme.txt");
        string missing = _temp.Combine("nowhere.png");

        Assert.Contains(missing, Assert.Throws<DataException>(() => PredictionImages.Expand([missing])).Message);
        var error = Assert.Throws<DataException>(() => PredictionImages.Expand([_temp.Combine("empty")]));
        Assert.Contains(_temp.Combine("empty"), error.Message);
        Assert.Contains("holds no", error.Message);
    }

    [Fact]
    public void ALinkLoopOrAFileNamedTwiceGivesEachImageOnce()
    {
        string[] images = [Touch("photos", "a.png"), Touch("photos", "sub", "b.png")];
        Directory.CreateSymbolicLink(_temp.Combine("photos", "sub", "loop"), "..");

        var paths = PredictionImages.Expand([_temp.Combine("photos"), images[1]]);

        Assert.Equal(images, paths);
    }

    [Fact]
    public void ALinkOutOfTheFolderIsRefused()
    {
        Touch("photos", "a.png");
        Touch("elsewhere", "b.png");
        string link = _temp.Combine("photos", "more");
        Directory.CreateSymbolicLink(link, _temp.Combine("elsewhere"));

        var error = Assert.Throws<DataException>(() => PredictionImages.Expand([_temp.Combine("photos")]));

        Assert.StartsWith($"{link} links to the folder {RealPath.Of(_temp.Combine("elsewhere"))}, outside", error.Message);
    }
}
