using System.Diagnostics;
using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Cli;
using Balms.Tests.Fixtures;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Training;

/// <summary>
/// A run interrupted at any step and resumed ends with exactly the weights and metrics of an uninterrupted run
/// (bit-identical on the CPU), and two runs with the same seed are identical.
/// </summary>
public class ResumeTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public ResumeTests()
    {
        _data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 30, testPerClass: 4);
    }

    public void Dispose() => _temp.Dispose();

    private string ConfigFile(string name, string training, int epochs = 3, int evalEvery = 2)
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            seed: 5
            data:
              dataset: fashion_mnist_lt
              root: {_data}
              imbalance_factor: 5
              head_class_size: 30
              workers: 2
            training:
              batch_size: 12
              num_epochs: {epochs}
              eval_every: {evalEvery}
            {training}
            output:
              dir: {_temp.Combine("runs", name)}
            """);
        return path;
    }

    private const string StageOne = "  loss: softmax\n  optimizer: {lr: 0.05}";

    /// <summary>Trains the config's run; the stop... arguments interrupt it there, as a Ctrl-C would (see <see cref="CancelWhen"/>).</summary>
    private static RunResult Train(string config, int? stopAfterSteps = null, bool resume = false, int? stopInEvaluation = null,
        int? stopAfterEpoch = null)
    {
        var options = ConfigLoader.Load(config);
        var data = DatasetCatalog.Load(options);
        using var source = new CancellationTokenSource();
        var observer = new CancelWhen(source) { AfterStep = stopAfterSteps, AtPass = stopInEvaluation, AfterEpoch = stopAfterEpoch };
        return new Trainer(options, data, options.Output.Dir, observer, torch.CPU).Run(source.Token, resume);
    }

    private static void AssertSameWeights(string expectedRun, string actualRun)
    {
        using var expected = Checkpoint.Load(Path.Combine(expectedRun, "checkpoints", "latest.safetensors"));
        using var actual = Checkpoint.Load(Path.Combine(actualRun, "checkpoints", "latest.safetensors"));
        Assert.Equal(expected.Tensors.Keys.Order(), actual.Tensors.Keys.Order());
        foreach (var (name, tensor) in expected.Tensors)
            Assert.True(tensor.bytes.SequenceEqual(actual.Tensors[name].bytes), $"tensor {name} differs");
        Assert.Equal(expected.Info.GlobalStep, actual.Info.GlobalStep);
    }

    /// <summary>epochs.csv without its timing column (images/s differs between runs by nature).</summary>
    private static string[] Columns(string run) =>
        File.ReadAllLines(Path.Combine(run, "epochs.csv")).Select(line => string.Join(",", line.Split(',')[..^1])).ToArray();

    [Fact]
    public void SameSeedGivesIdenticalRuns()
    {
        Train(ConfigFile("a", StageOne));
        Train(ConfigFile("b", StageOne));
        AssertSameWeights(_temp.Combine("runs", "a"), _temp.Combine("runs", "b"));
        Assert.Equal(File.ReadAllText(_temp.Combine("runs", "a", "metrics.json")).Replace("\"a\"", "\"b\""),
            File.ReadAllText(_temp.Combine("runs", "b", "metrics.json")));
    }

    [Fact]
    public void RunInterruptedMidEpochResumesToTheSameResult()
    {
        Train(ConfigFile("whole", StageOne));
        string config = ConfigFile("interrupted", StageOne);
        var interrupted = Train(config, stopAfterSteps: 5); // epoch 1 has 7 steps: stop inside it
        Assert.True(interrupted.Interrupted);
        using (var partial = Checkpoint.Load(_temp.Combine("runs", "interrupted", "checkpoints", "latest.safetensors")))
        {
            Assert.Equal(0, partial.Info.Epoch);
            Assert.Equal(5, partial.Info.StepInEpoch);
        }
        var resumed = Train(config, resume: true);
        Assert.False(resumed.Interrupted);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "interrupted"));
        AssertSameMetricsIgnoringName("whole", "interrupted");
    }

    [Theory]
    [InlineData(1)] // epoch 2's evaluation (eval_every: 2)
    [InlineData(2)] // the last epoch's
    public void RunInterruptedWhileEvaluatingResumesToTheSameResult(int pass)
    {
        Train(ConfigFile("whole", StageOne));
        string config = ConfigFile("in_eval", StageOne);
        Assert.True(Train(config, stopInEvaluation: pass).Interrupted);
        // Nothing of the cut pass is kept: no metrics, and no row for the epoch it evaluated.
        Assert.False(File.Exists(_temp.Combine("runs", "in_eval", "metrics.json")));
        Assert.Equal(pass == 1 ? 1 : 2, Columns(_temp.Combine("runs", "in_eval")).Length - 1);

        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "in_eval"));
        AssertSameMetricsIgnoringName("whole", "in_eval");
    }

    /// <summary>mixup's and CutMix's draws come from the seed and the step's position: a resumed run mixes the same.</summary>
    [Theory]
    [InlineData("mixup", "balanced_softmax")]
    [InlineData("cutmix", "{type: class_balanced, beta: 0.99, gamma: 1}")]
    public void AMixedRunInterruptedMidEpochResumesToTheSameResult(string mix, string loss)
    {
        string training = $"  loss: {loss}\n  optimizer: {{lr: 0.05}}\n  mix: {{type: {mix}, alpha: 0.5}}";
        Train(ConfigFile("mixed_whole", training));
        string config = ConfigFile("mixed_cut", training);
        Assert.True(Train(config, stopAfterSteps: 10).Interrupted); // inside epoch 2
        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "mixed_whole"), _temp.Combine("runs", "mixed_cut"));
        AssertSameMetricsIgnoringName("mixed_whole", "mixed_cut");
        // The mixing takes part: without it the same run ends elsewhere.
        Train(ConfigFile("unmixed", $"  loss: {loss}\n  optimizer: {{lr: 0.05}}"));
        using var mixed = Checkpoint.Load(_temp.Combine("runs", "mixed_whole", "checkpoints", "latest.safetensors"));
        using var unmixed = Checkpoint.Load(_temp.Combine("runs", "unmixed", "checkpoints", "latest.safetensors"));
        Assert.False(mixed.Tensors["classifier.fc.weight"].bytes.SequenceEqual(unmixed.Tensors["classifier.fc.weight"].bytes));
    }

    /// <summary>MaxNorm's radius comes from the stage-1 classifier, not from the weights a resume continues with.</summary>
    [Fact]
    public void AWeightBalancingStageTwoResumesWithItsRadius()
    {
        Train(ConfigFile("stage1", StageOne));
        string stageTwo = $"  stage: decoupled\n  model_dir: {_temp.Combine("runs", "stage1")}\n  reset_classifier: false\n  loss: class_balanced\n  max_norm: {{threshold: 0.2}}\n  optimizer: {{lr: 0.5, weight_decay: 0.1}}";
        Train(ConfigFile("wb_whole", stageTwo));
        string config = ConfigFile("wb_cut", stageTwo);
        Assert.True(Train(config, stopAfterSteps: 10).Interrupted);
        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "wb_whole"), _temp.Combine("runs", "wb_cut"));
        AssertSameMetricsIgnoringName("wb_whole", "wb_cut");
    }

    /// <summary>LDAM-DRW changes its loss at the DRW epoch: a run cut after it resumes with the weights on.</summary>
    [Fact]
    public void AnLdamDrwRunInterruptedAfterTheSwitchResumesToTheSameResult()
    {
        string training = "  loss: {type: ldam, drw_epoch: 2}\n  optimizer: {lr: 0.05}";
        string Config(string name)
        {
            string path = ConfigFile(name, training);
            File.WriteAllText(path, File.ReadAllText(path).Replace("training:", "model:\n  head: {type: cosine, scale: 30}\ntraining:"));
            return path;
        }
        Train(Config("ldam_whole"));
        string config = Config("ldam_cut");
        Assert.True(Train(config, stopAfterSteps: 10).Interrupted);
        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "ldam_whole"), _temp.Combine("runs", "ldam_cut"));
        AssertSameMetricsIgnoringName("ldam_whole", "ldam_cut");
    }

    [Fact]
    public void AnEpochWhoseBatchStreamStopsAtOnceIsNotCountedAsDone()
    {
        // Cancelled as epoch 2 starts, its batch stream yields nothing and no step sees the cancellation; with
        // eval_every: 3 no evaluation of epoch 2 does either.
        Train(ConfigFile("whole", StageOne, evalEvery: 3));
        string config = ConfigFile("cut_stream", StageOne, evalEvery: 3);
        Assert.True(Train(config, stopAfterEpoch: 1).Interrupted);
        Assert.Equal(1, Columns(_temp.Combine("runs", "cut_stream")).Length - 1);

        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "cut_stream"));
        AssertSameMetricsIgnoringName("whole", "cut_stream");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BalmsRunResumesWithTheSamplerState(bool cacheMetaFeatures)
    {
        Train(ConfigFile("stage1", StageOne));
        string cache = cacheMetaFeatures ? ", cache_meta_features: true}\n  freeze_batch_norm: true" : "}";
        string balms = $"  stage: decoupled\n  model_dir: {_temp.Combine("runs", "stage1")}\n  loss: balanced_softmax\n  sampler: {{type: meta, meta_batch_size: 10{cache}\n  optimizer: {{lr: 0.1}}";
        Train(ConfigFile("balms_whole", balms));
        Train(ConfigFile("balms_again", balms));
        AssertSameWeights(_temp.Combine("runs", "balms_whole"), _temp.Combine("runs", "balms_again"));
        string config = ConfigFile("balms_split", balms);
        Assert.True(Train(config, stopAfterSteps: 9).Interrupted); // inside epoch 2
        Train(config, resume: true);
        AssertSameWeights(_temp.Combine("runs", "balms_whole"), _temp.Combine("runs", "balms_split"));
        Assert.Equal(File.ReadAllText(_temp.Combine("runs", "balms_whole", "sampling_distribution.csv")),
            File.ReadAllText(_temp.Combine("runs", "balms_split", "sampling_distribution.csv")));
        AssertSameMetricsIgnoringName("balms_whole", "balms_split");
    }

    [Fact]
    public void KilledProcessResumesFromItsLastCheckpoint()
    {
        Train(ConfigFile("whole", StageOne));
        string config = ConfigFile("killed", StageOne + "\n  checkpoint_every_steps: 2");
        string latest = _temp.Combine("runs", "killed", "checkpoints", "latest.safetensors");
        string cli = Path.Combine(AppContext.BaseDirectory, "Balms.Cli.dll");
        using (var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", cli, "train", "--config", config])
               { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(latest) && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
            if (process.HasExited) Assert.Fail("the run finished before it could be killed: " + process.StandardError.ReadToEnd());
            process.Kill(); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        using (var killed = Checkpoint.Load(latest))
            Assert.True(killed.Info.Epoch < 3, $"the process had finished training before it was killed (epoch {killed.Info.Epoch}, step {killed.Info.StepInEpoch})");
        var result = CliRunner.Run("train", "--config", config, "--resume");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "killed"));
        AssertSameMetricsIgnoringName("whole", "killed");
    }

    /// <summary>
    /// A real full disk: the run directory is a small tmpfs (mounted in a private mount namespace, so no privileges
    /// or cleanup are needed), sized in checkpoints. 1.6 holds one checkpoint but not the temporary copy of the next
    /// (the disk fills mid-epoch); 2.6 fills up at the end of epoch 2, after best.safetensors and while writing
    /// latest; 0 leaves room for the small files only. Each time: one line, exit 2, no half-written file, and the
    /// run resumes (once there is space) to exactly the result of an uninterrupted run.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.6)]
    [InlineData(2.6)]
    public void FullDiskStopsCleanlyAndTheRunResumes(double checkpointsThatFit)
    {
        Train(ConfigFile("whole", StageOne));
        long checkpointBytes = new FileInfo(_temp.Combine("runs", "whole", "checkpoints", "latest.safetensors")).Length;
        long diskBytes = Math.Max(64 * 1024, (long)(checkpointsThatFit * checkpointBytes));
        string config = ConfigFile("full", StageOne + "\n  checkpoint_every_steps: 2");
        string run = _temp.Combine("runs", "full"), staging = _temp.Combine("staging");
        Directory.CreateDirectory(run);
        Directory.CreateDirectory(staging);

        var (exitCode, error) = TrainOnSmallDisk(config, run, diskBytes, staging);
        CopyDirectory(staging, run); // what the tmpfs held when the process stopped

        Assert.Equal(2, exitCode);
        string[] errorLines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(errorLines.Length == 1, "expected one line on stderr, got:\n" + error);
        Assert.StartsWith("error: cannot write", errorLines[0]);
        Assert.Contains("No space left on device", errorLines[0]);
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
        foreach (string text in new[] { "log.txt", "epochs.csv" }.Select(name => Path.Combine(run, name)).Where(File.Exists).Select(File.ReadAllText))
            Assert.True(text.Length == 0 || text.EndsWith('\n'), "a half-written line was left: " + text);
        string latest = Path.Combine(run, "checkpoints", "latest.safetensors");
        if (checkpointsThatFit < 1)
        {
            Assert.False(File.Exists(latest));
            return;
        }
        using (var kept = Checkpoint.Load(latest))
            Assert.True(kept.Info.GlobalStep > 0 && kept.Info.Epoch < 3, $"the disk should have filled up during training (epoch {kept.Info.Epoch})");
        var resumed = CliRunner.Run("train", "--config", config, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Output);
        AssertSameWeights(_temp.Combine("runs", "whole"), run);
        AssertSameMetricsIgnoringName("whole", "full");
    }

    /// <summary>Runs the CLI with <paramref name="runDirectory"/> on a tmpfs of the given size; copies what it left to <paramref name="copyTo"/>.</summary>
    private static (int ExitCode, string Error) TrainOnSmallDisk(string config, string runDirectory, long diskBytes, string copyTo)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Balms.Cli.dll");
        const string Script = """
            mount -t tmpfs -o size="$1" balms-full-disk "$2" || { echo "cannot mount a tmpfs" >&2; exit 97; }
            dotnet exec "$3" train --config "$4"
            code=$?
            cp -a "$2/." "$5/"
            exit $code
            """;
        // Root can make a mount namespace directly; anyone else needs a user namespace in which they are root.
        string[] unshare = Environment.UserName == "root" ? ["--mount"] : ["--mount", "--user", "--map-root-user"];
        var start = new ProcessStartInfo("unshare", [.. unshare, "sh", "-c", Script, "sh", diskBytes.ToString(), runDirectory, cli, config, copyTo])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode != 97 && !error.StartsWith("unshare:"), "this test needs a private mount namespace (unshare --mount): " + error);
        _ = output.Result;
        return (process.ExitCode, error);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    /// <summary>
    /// The run's first checkpoint fails between best and latest (a folder in the way of latest's temporary file stands
    /// for a disk that fills up there): the error says how to go on, and the resume continues from best to exactly the
    /// result of an uninterrupted run.
    /// </summary>
    [Fact]
    public void AFailureToWriteTheFirstLatestCheckpointResumesFromBest()
    {
        Train(ConfigFile("whole", StageOne, evalEvery: 1));
        string config = ConfigFile("injected", StageOne, evalEvery: 1);
        string blocked = _temp.Combine("runs", "injected", "checkpoints", "latest.safetensors.tmp");
        Directory.CreateDirectory(blocked);

        var failed = CliRunner.Run("train", "--config", config);

        Assert.Equal(2, failed.ExitCode);
        Assert.StartsWith($"error: cannot write checkpoint {_temp.Combine("runs", "injected", "checkpoints", "latest.safetensors")}: ", failed.Error);
        Assert.EndsWith("; once the run directory can be written again (on a full disk: free some space), continue the run with --resume from its last checkpoint",
            failed.Error.Trim());
        Assert.True(File.Exists(_temp.Combine("runs", "injected", "checkpoints", "best.safetensors")));
        Assert.False(File.Exists(_temp.Combine("runs", "injected", "checkpoints", "latest.safetensors")));

        Directory.Delete(blocked);
        var resumed = CliRunner.Run("train", "--config", config, "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Output);
        string log = File.ReadAllText(_temp.Combine("runs", "injected", "log.txt"));
        Assert.True(log.Contains("at epoch 2, step 0 (global step 12) from checkpoints/best.safetensors"), log);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "injected"));
        AssertSameMetricsIgnoringName("whole", "injected");
    }

    [Fact]
    public void AFailureBeforeAnyCheckpointSaysToStartAgainAndSoDoesAResume()
    {
        // Without an evaluation in epoch 1 there is no best checkpoint: latest is the first.
        string config = ConfigFile("no_checkpoint", StageOne, evalEvery: 2);
        Directory.CreateDirectory(_temp.Combine("runs", "no_checkpoint", "checkpoints", "latest.safetensors.tmp"));

        var failed = CliRunner.Run("train", "--config", config);
        var resumed = CliRunner.Run("train", "--config", config, "--resume");

        Assert.EndsWith("; once the run directory can be written again (on a full disk: free some space), start the run again: it had no checkpoint yet",
            failed.Error.Trim());
        Assert.Equal($"error: cannot resume: {_temp.Combine("runs", "no_checkpoint")} has no checkpoint (the run stopped before its first one); start it again without --resume",
            resumed.Error.Trim());
    }

    [Fact]
    public void ResumeWithAnotherConfigIsRefused()
    {
        string config = ConfigFile("changed", StageOne);
        Assert.True(Train(config, stopAfterSteps: 2).Interrupted);
        var result = CliRunner.Run("train", "--config", config, "--resume", "--set", "training.batch_size=6");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("batch_size", result.Error);
    }

    [Fact]
    public void ARunStartedBeforeASettingExistedResumes()
    {
        Train(ConfigFile("whole", StageOne));
        string config = ConfigFile("older", StageOne);
        Assert.True(Train(config, stopAfterSteps: 2).Interrupted);
        // As if the run had been started by a version without model.precision: its config.yaml lacks the line.
        string written = _temp.Combine("runs", "older", "config.yaml");
        var lines = File.ReadAllLines(written);
        Assert.Contains(lines, line => line.Trim() == "precision: float32");
        File.WriteAllLines(written, lines.Where(line => line.Trim() != "precision: float32"));

        Assert.False(Train(config, resume: true).Interrupted);
        AssertSameWeights(_temp.Combine("runs", "whole"), _temp.Combine("runs", "older"));
        AssertSameMetricsIgnoringName("whole", "older");
    }

    private void AssertSameMetricsIgnoringName(string expected, string actual)
    {
        string Normalise(string run) => File.ReadAllText(_temp.Combine("runs", run, "metrics.json")).Replace($"\"{run}\"", "\"name\"");
        Assert.Equal(Normalise(expected), Normalise(actual));
        Assert.Equal(Columns(_temp.Combine("runs", expected)), Columns(_temp.Combine("runs", actual)));
    }
}
