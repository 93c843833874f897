using Balms.Tests.Fixtures;

namespace Balms.Tests;

public class RealPathTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Real => RealPath.Of(_temp.Path)!;

    [Fact]
    public void LinksAreFollowedAndDotDotAfterALinkGoesUpFromItsTarget()
    {
        Directory.CreateDirectory(_temp.Combine("data", "deep", "images"));
        File.WriteAllText(_temp.Combine("data", "deep", "x.png"), "");
        Directory.CreateSymbolicLink(_temp.Combine("images"), Path.Combine("data", "deep", "images"));
        File.CreateSymbolicLink(_temp.Combine("data", "deep", "images", "a.png"), Path.Combine("..", "x.png"));

        Assert.Equal(Path.Combine(Real, "data", "deep", "x.png"), RealPath.Of(_temp.Combine("images", "a.png")));
        // The system goes up from the link's target (data/deep), not from the folder holding the link.
        Assert.Equal(Path.Combine(Real, "data", "deep", "x.png"), RealPath.Of(_temp.Combine("images", "..", "x.png")));
        Assert.Equal(Path.Combine(Real, "data"), RealPath.Of(_temp.Combine("data", ".", "deep", "..")));
    }

    [Fact]
    public void AMissingPathADanglingLinkAndALinkLoopHaveNoRealPath()
    {
        File.CreateSymbolicLink(_temp.Combine("dangling"), "nowhere");
        File.CreateSymbolicLink(_temp.Combine("a"), "b");
        File.CreateSymbolicLink(_temp.Combine("b"), "a");

        Assert.Null(RealPath.Of(_temp.Combine("missing", "x.png")));
        Assert.Null(RealPath.Of(_temp.Combine("dangling")));
        Assert.Null(RealPath.Of(_temp.Combine("a")));
    }

    [Fact]
    public void WithinMeansTheFolderItselfOrBelowItNotASiblingThatSharesItsName()
    {
        Assert.True(RealPath.IsWithin("/data/cat", "/data/cat"));
        Assert.True(RealPath.IsWithin("/data/cat/sub/x.png", "/data/cat/"));
        Assert.False(RealPath.IsWithin("/data/cats/x.png", "/data/cat"));
        Assert.False(RealPath.IsWithin("/data", "/data/cat"));
    }
}
