using System.Diagnostics;
using System.Globalization;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Cli;

/// <summary>A command holds the folders it writes for as long as it runs: no second command writes there meanwhile.</summary>
public class OutputFolderLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public OutputFolderLockTests()
    {
        _data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
    }

    public void Dispose() => _temp.Dispose();

    private string Run(string name) => _temp.Combine("runs", name);

    private string Config(string name, int epochs = 1, string output = "")
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            data:
              dataset: fashion_mnist_lt
              root: {_data}
              imbalance_factor: 10
              head_class_size: 40
            training:
              loss: softmax
              batch_size: 16
              num_epochs: {epochs}
              max_steps_per_epoch: 1
            output:
              dir: {(output.Length > 0 ? output : Run(name))}
            """);
        return path;
    }

    /// <summary>Each command line, and the folder it writes that another command holds.</summary>
    public static TheoryData<string, string> Commands => new()
    {
        { "train", "a" },
        { "train --resume", "a" },
        { "train --seeds 0,1", "a/seed_1" },
        { "train chain", "b" },
        { "eval", "a/eval" },
        { "report", "report" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void ACommandRefusesAFolderAnotherCommandHoldsAndWritesNothing(string command, string heldFolder)
    {
        string held = Run(heldFolder);
        string[] args = command switch
        {
            "train" => ["train", "--config", Config("a")],
            "train --resume" => ["train", "--config", Config("a"), "--resume"],
            "train --seeds 0,1" => ["train", "--config", Config("a"), "--seeds", "0,1"],
            "train chain" => ["train", "--config", Config("a"), "--config", Config("b")],
            "eval" => ["eval", "--config", Config("a"), "--checkpoint", Run("a")],
            _ => ["report", Run("a"), "--output", held],
        };
        using var holder = OutputLock.Acquire(held, out _);

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: {held} is in use by another balms command (process {Environment.ProcessId}, started ", result.Error);
        // The folders taken before the refusal are given back: nothing is left but the holder's lock.
        Assert.Equal([Path.Combine(held, OutputLock.FileName)], Directory.GetFileSystemEntries(_temp.Combine("runs"), "*", SearchOption.AllDirectories)
            .Where(File.Exists));
    }

    [Fact]
    public void TwoRunsOfOneCommandCannotShareAFolder()
    {
        var result = CliRunner.Run("train", "--config", Config("a"), "--config", Config("b", output: Run("a")));

        Assert.Equal($"error: two runs of this command would write to {Run("a")}; give each its own output.dir", result.Error.Trim());
        Assert.False(Directory.Exists(Run("a")));
    }

    [Fact]
    public void ALockLeftByAKilledCommandIsTakenOverWithANoteAndReleasedAtTheEnd()
    {
        Directory.CreateDirectory(Run("a"));
        int ended;
        using (var process = Process.Start("true")!)
        {
            process.WaitForExit();
            ended = process.Id;
        }
        OutputLock.CreateLockFile(Path.Combine(Run("a"), OutputLock.FileName), (LockHolder.OfThisProcess() with { Pid = ended }).ToText());

        var result = CliRunner.Run("train", "--config", Config("a"));

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Equal($"note: {Run("a")} was locked by process {ended}, which is no longer running; its lock is taken over", result.Error.Trim());
        Assert.False(File.Exists(Path.Combine(Run("a"), OutputLock.FileName)));
        Assert.True(File.Exists(Path.Combine(Run("a"), "metrics.json")));
    }

    /// <summary>
    /// The trial that found the problem, with two processes: a second run started in the folder of a running one is
    /// refused, naming it, and leaves its files alone; the first, stopped by SIGTERM as by Ctrl-C, releases the folder.
    /// </summary>
    [Fact]
    public async Task ASecondRunIsRefusedWhileTheFirstTrainsThereAndTheFirstReleasesTheFolderWhenStopped()
    {
        string config = Config("long", epochs: 1000);
        string lockFile = Path.Combine(Run("long"), OutputLock.FileName), epochs = Path.Combine(Run("long"), "epochs.csv");
        string cli = Path.Combine(AppContext.BaseDirectory, "Balms.Cli.dll");
        using var first = Process.Start(new ProcessStartInfo("dotnet", ["exec", cli, "train", "--config", config])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        var firstError = first.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(File.Exists(epochs) && File.ReadAllLines(epochs).Length > 1) && !first.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
                await Task.Delay(20);
            // (Its stderr is complete only once it has ended: read it only then.)
            if (first.HasExited) Assert.Fail("the first run ended before the second started: " + await firstError);

            // Were it not refused, it would train for one epoch only.
            var second = CliRunner.Run("train", "--config", config, "--set", "training.num_epochs=1");

            Assert.True(second.ExitCode == 2, second.Error + second.Output);
            Assert.StartsWith($"error: {Run("long")} is in use by another balms command (process {first.Id}, started ", second.Error);
            Assert.False(Directory.Exists(Path.Combine(Run("long"), ".earlier_run")));
        }
        finally
        {
            using var stop = Process.Start("kill", ["-TERM", first.Id.ToString(CultureInfo.InvariantCulture)])!;
            await stop.WaitForExitAsync();
            await first.WaitForExitAsync();
        }

        string error = await firstError;
        await firstOutput;
        Assert.True(first.ExitCode == 130, $"exit code {first.ExitCode}: {error}");
        Assert.False(File.Exists(lockFile));
        var rows = File.ReadAllLines(epochs).Skip(1).Select(row => int.Parse(row.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, rows.Count), rows);
    }
}
