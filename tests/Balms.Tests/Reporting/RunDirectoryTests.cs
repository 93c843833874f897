using Balms.Reporting;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Reporting;

public class RunDirectoryTests
{
    /// <summary>Writes every file a run writes, reading <paramref name="text"/>, and the user's own notes.txt.</summary>
    private static void WriteRun(TempDirectory folder, string text)
    {
        foreach (string name in RunFileNames.WrittenByARun.Where(name => name != RunFileNames.TensorBoardDirectory))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.Combine(name))!);
            File.WriteAllText(folder.Combine(name), text);
        }
        Directory.CreateDirectory(folder.Combine("tensorboard"));
        File.WriteAllText(folder.Combine("tensorboard", "events.out.tfevents.1"), text);
    }

    private static void AssertRunReads(TempDirectory folder, string text)
    {
        Assert.All(RunFileNames.WrittenByARun.Where(name => name != RunFileNames.TensorBoardDirectory),
            name => Assert.Equal(text, File.ReadAllText(folder.Combine(name))));
        Assert.Equal(text, File.ReadAllText(folder.Combine("tensorboard", "events.out.tfevents.1")));
    }

    [Fact]
    public void ANewRunSetsAnEarlierRunsFilesAsideAndDiscardsThemWhenItFinishes()
    {
        using var folder = new TempDirectory();
        WriteRun(folder, "earlier run");
        File.WriteAllText(folder.Combine("notes.txt"), "the user's");

        var run = RunDirectory.Fresh(folder.Path, out bool replaced);

        Assert.True(replaced);
        Assert.All(RunFileNames.WrittenByARun, name => Assert.False(Path.Exists(run.PathOf(name)), name));
        Assert.Equal("earlier run", File.ReadAllText(folder.Combine(".earlier_run", "checkpoints", "best.safetensors")));
        Assert.Equal("the user's", File.ReadAllText(folder.Combine("notes.txt")));
        run.DiscardEarlierRun();
        Assert.False(Directory.Exists(folder.Combine(".earlier_run")));
        Assert.Contains("sampling_distribution.csv", RunFileNames.WrittenByARun);
        Assert.Contains("log.txt", RunFileNames.WrittenByARun);
    }

    [Fact]
    public void AFailedRunPutsTheEarlierRunBack()
    {
        using var folder = new TempDirectory();
        WriteRun(folder, "earlier run");
        var run = RunDirectory.Fresh(folder.Path, out _);
        File.WriteAllText(folder.Combine("log.txt"), "new run");
        Directory.CreateDirectory(folder.Combine("tensorboard"));
        File.WriteAllText(folder.Combine("tensorboard", "events.out.tfevents.2"), "new run");

        run.RestoreEarlierRun();

        AssertRunReads(folder, "earlier run");
        Assert.False(File.Exists(folder.Combine("tensorboard", "events.out.tfevents.2")));
        Assert.False(Directory.Exists(folder.Combine(".earlier_run")));
    }

    [Fact]
    public void AnAttemptThatNeverFinishedDoesNotDisplaceTheRunSetAside()
    {
        // A finished run, then an attempt interrupted before its metrics.json, then a fresh start: the finished run is
        // the one kept aside (and put back if the fresh start fails).
        using var folder = new TempDirectory();
        WriteRun(folder, "finished run");
        RunDirectory.Fresh(folder.Path, out _);
        WriteRun(folder, "interrupted attempt");
        File.Delete(folder.Combine("metrics.json"));

        var run = RunDirectory.Fresh(folder.Path, out bool replaced);

        Assert.True(replaced);
        Assert.All(RunFileNames.WrittenByARun, name => Assert.False(Path.Exists(run.PathOf(name)), name));
        run.RestoreEarlierRun();
        AssertRunReads(folder, "finished run");
    }

    [Fact]
    public void AFinishedRunDisplacesTheOneSetAsideBeforeIt()
    {
        using var folder = new TempDirectory();
        WriteRun(folder, "first run");
        RunDirectory.Fresh(folder.Path, out _);
        WriteRun(folder, "second run");

        var run = RunDirectory.Fresh(folder.Path, out _);
        run.RestoreEarlierRun();

        AssertRunReads(folder, "second run");
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
