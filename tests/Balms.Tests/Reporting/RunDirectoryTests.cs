using Balms.Reporting;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Reporting;

public class RunDirectoryTests
{
    [Fact]
    public void ANewRunRemovesAnEarlierRunsFilesAndNothingElse()
    {
        using var folder = new TempDirectory();
        foreach (string name in RunFileNames.WrittenByARun)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.Combine(name))!);
            File.WriteAllText(folder.Combine(name), "earlier run");
        }
        Directory.CreateDirectory(folder.Combine("tensorboard"));
        File.WriteAllText(folder.Combine("tensorboard", "events.out.tfevents.1"), "");
        File.WriteAllText(folder.Combine("notes.txt"), "the user's");

        var run = RunDirectory.Fresh(folder.Path, out bool replaced);

        Assert.True(replaced);
        Assert.All(RunFileNames.WrittenByARun, name => Assert.False(File.Exists(run.PathOf(name)), name));
        Assert.False(Directory.Exists(run.TensorBoardDirectory));
        Assert.Equal("the user's", File.ReadAllText(folder.Combine("notes.txt")));
        Assert.Contains("sampling_distribution.csv", RunFileNames.WrittenByARun);
        Assert.Contains("log.txt", RunFileNames.WrittenByARun);
    }

    [Fact]
    public void AnEmptyFolderReplacesNothing()
    {
        using var folder = new TempDirectory();

        RunDirectory.Fresh(folder.Combine("run"), out bool replaced);

        Assert.False(replaced);
        Assert.False(Directory.Exists(folder.Combine("run", "checkpoints")));
    }
}
