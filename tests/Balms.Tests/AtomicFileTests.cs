using Balms.Tests.Fixtures;

namespace Balms.Tests;

public class AtomicFileTests
{
    [Fact]
    public void AMissingFolderIsCreated()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("new", "deeper", "file.txt");

        AtomicFile.WriteText(path, "content");

        Assert.Equal("content", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void AnErrorNamesTheTargetNotTheTemporaryFile()
    {
        using var folder = new TempDirectory();
        // A file where a folder of the path should be: the folder cannot be created.
        File.WriteAllText(folder.Combine("blocker"), "");
        string path = folder.Combine("blocker", "file.txt");

        var error = Assert.Throws<WriteException>(() => AtomicFile.WriteText(path, "content", "report"));

        Assert.StartsWith($"cannot write report {path}: ", error.Message);
        Assert.DoesNotContain(".tmp", error.Message);
    }
}
