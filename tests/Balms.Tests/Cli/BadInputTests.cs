using System.IO.Compression;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Cli;

/// <summary>Bad input gets one line on stderr, exit code 2, and no half-written run directory.</summary>
public class BadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string RunDirectory => _temp.Combine("run");

    private string Config(string extra = "", string dataset = "fashion_mnist_lt")
    {
        string path = _temp.Combine("config.yaml");
        File.WriteAllText(path, $"""
            name: bad
            data:
              dataset: {dataset}
              imbalance_factor: 10
              head_class_size: 40
            training:
              loss: balanced_softmax
              batch_size: 16
              num_epochs: 1
            output:
              dir: {RunDirectory}
            {extra}
            """);
        return path;
    }

    private CliRunner.Result AssertUserError(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        string message = result.Error.Trim();
        Assert.StartsWith("error: ", message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("   at ", message);
        Assert.False(Directory.Exists(RunDirectory), "a run directory was created for a failed start");
        return result;
    }

    [Fact]
    public void MissingFashionMnistSaysHowToGetIt()
    {
        var result = AssertUserError("train", "--config", Config(), "--data-root", _temp.Combine("nowhere"));
        Assert.Contains("apt-get install dataset-fashion-mnist", result.Error);
        Assert.Contains("nowhere", result.Error);
    }

    [Fact]
    public void AFileGivenAsTheDataRootIsNamedAsAFile()
    {
        string file = _temp.Combine("train-images.gz");
        File.WriteAllText(file, "not a folder");

        var result = AssertUserError("train", "--config", Config(), "--data-root", file);

        Assert.Equal($"error: data root {file} is a file, not a folder; --data-root (data.root) names the folder that holds the dataset", result.Error.Trim());
    }

    [Fact]
    public void AFolderGivenAsTheConfigIsNamedAsAFolder()
    {
        var result = AssertUserError("train", "--config", _temp.Path);

        Assert.StartsWith($"error: {_temp.Path} is a folder, not a config file", result.Error);
    }

    [Fact]
    public void AnEmptyConfigFileIsRefused()
    {
        string empty = _temp.Combine("empty.yaml");
        File.WriteAllText(empty, "");

        var result = AssertUserError("train", "--config", empty, "--set", "training.num_epochs=1");

        Assert.StartsWith("error: empty.yaml is empty: it holds no settings", result.Error);
    }

    [Fact]
    public void MissingCifarNamesThePathsLookedAt()
    {
        var result = AssertUserError("train", "--config", Config(dataset: "cifar10_lt"), "--data-root", _temp.Combine("nocifar"));
        Assert.Contains("cifar-10-batches-bin", result.Error);
        Assert.Contains("cifar-10-python.tar.gz", result.Error);
    }

    [Fact]
    public void ImbalanceFactorBelowOneIsRejected()
    {
        var result = AssertUserError("train", "--config", Config(), "--set", "data.imbalance_factor=0.5");
        Assert.Contains("data.imbalance_factor", result.Error);
    }

    [Fact]
    public void UnknownConfigKeyIsNamed()
    {
        var result = AssertUserError("train", "--config", Config("colour: red"));
        Assert.Contains("'colour'", result.Error);
    }

    [Fact]
    public void ZeroCountClassUnderBalancedSoftmaxIsRejected()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        // Head class 40 at IF 100 leaves int(40 * 0.01^(8/9)) = 0 images for class 8 (and 9): log 0 is undefined.
        var result = AssertUserError("train", "--config", Config(), "--data-root", data, "--set", "data.imbalance_factor=100");
        Assert.Contains("class 8", result.Error);
        Assert.Contains("Balanced Softmax", result.Error);
    }

    /// <summary>The stage's epoch count is known once the data is: a DRW epoch after the last is refused then, before any file.</summary>
    [Fact]
    public void ADrwEpochAfterTheLastEpochIsOneLine()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        var result = AssertUserError("train", "--config", Config(), "--data-root", data,
            "--set", "training.loss={type: ldam, drw_epoch: 3}", "--set", "model.head=cosine");
        Assert.Equal("error: 'training.loss.drw_epoch' is 3, after the last of the stage's 1 epochs; it must be between 1 and 1", result.Error.Trim());
    }

    [Fact]
    public void AMixupAlphaOutOfRangeIsOneLine()
    {
        var result = AssertUserError("train", "--config", Config(), "--set", "training.mix={type: mixup, alpha: 0}");
        Assert.Contains("'training.mix.alpha' must be > 0 and <= 100, got 0", result.Error);
    }

    [Fact]
    public void LabelOutOfRangeNamesTheFile()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        string labels = Path.Combine(data, "train-labels-idx1-ubyte.gz");
        byte[] values = ReadIdxPayload(labels, headerBytes: 8);
        values[3] = 12;
        TinyFashionMnist.WriteIdx(labels, [values.Length], values);
        var result = AssertUserError("train", "--config", Config(), "--data-root", data);
        Assert.Contains("train-labels-idx1-ubyte.gz", result.Error);
    }

    [Fact]
    public void TruncatedImageFileNamesTheFile()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        string images = Path.Combine(data, "t10k-images-idx3-ubyte.gz");
        byte[] payload = ReadIdxPayload(images, headerBytes: 16);
        TinyFashionMnist.WriteIdx(images, [80, 28, 28], payload[..1000]);
        var result = AssertUserError("train", "--config", Config(), "--data-root", data);
        Assert.Contains("t10k-images-idx3-ubyte.gz", result.Error);
    }

    [Fact]
    public void DecoupledStageWithoutStageOneSaysWhatToDo()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        var result = AssertUserError("train", "--config", Config(), "--data-root", data,
            "--set", "training.stage=decoupled", "--set", $"training.model_dir={_temp.Combine("missing-stage1")}");
        Assert.Contains("missing-stage1", result.Error);
        Assert.Contains("stage 1", result.Error);
    }

    [Fact]
    public void UnknownCommandAndOptionAreRejected()
    {
        Assert.Equal(2, CliRunner.Run("fly").ExitCode);
        var result = CliRunner.Run("train", "--config", Config(), "--colour", "red");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--colour", result.Error);
    }

    [Fact]
    public void AMisspeltFlagAtTheEndOfTheLineIsAnUnknownOptionWithTheOneMeant()
    {
        var result = AssertUserError("train", "--config", Config(), "--resum");

        Assert.Equal("error: unknown option '--resum', did you mean --resume?", result.Error.Trim());
    }

    [Fact]
    public void AValidOptionAtTheEndOfTheLineNeedsItsValue()
    {
        var result = AssertUserError("train", "--config", Config(), "--output");

        Assert.Equal("error: option --output needs a value", result.Error.Trim());
    }

    [Theory]
    [InlineData("model.backbone=banana", "model.backbone", "resnet32")]
    [InlineData("device=tpu", "device: unknown device 'tpu'", "cuda:N")]
    public void ABackboneOrDeviceNameIsCheckedWhenTheConfigIsRead(string setting, string namedKey, string listed)
    {
        // data needs neither a model nor a device, yet rejects them: every command reads the config the same way.
        var result = CliRunner.Run("data", "--config", Config(), "--set", setting);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(namedKey, result.Error);
        Assert.Contains(listed, result.Error);
    }

    [Theory]
    [InlineData("train", "--help")]
    [InlineData("eval", "-h")]
    [InlineData("bench", "--json", "--help")]
    public void HelpAfterACommandPrintsItsUsage(params string[] args)
    {
        var result = CliRunner.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"usage: ./balms {args[0]} ", result.Output);
        Assert.Equal("", result.Error);
    }

    private static byte[] ReadIdxPayload(string path, int headerBytes)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray()[headerBytes..];
    }

    [Fact]
    public void ResumingAFolderThatHoldsNoRunSaysSo()
    {
        Directory.CreateDirectory(RunDirectory);

        var result = CliRunner.Run("train", "--config", Config(), "--data-root", TinyFashionMnist.Write(_temp.Combine("fmnist")), "--resume");

        Assert.Equal($"error: cannot resume: {RunDirectory} holds no run (it has no config.yaml); start one there without --resume", result.Error.Trim());
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(RunDirectory));
    }

    [Fact]
    public void AReportOutputThatIsAFileIsNamedAsAFile()
    {
        string file = _temp.Combine("report.md");
        File.WriteAllText(file, "the user's notes");

        var result = AssertUserError("report", _temp.Combine("some_run"), "--output", file);

        Assert.Equal($"error: cannot write to the output directory {file}: it is a file, not a folder", result.Error.Trim());
        Assert.Equal("the user's notes", File.ReadAllText(file));
    }

    [Fact]
    public void UnwritableOutputDirectoryIsReported()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        File.WriteAllText(RunDirectory, "a file where the run directory should go");
        var result = CliRunner.Run("train", "--config", Config(), "--data-root", data);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot write to the output directory", result.Error);
        Assert.Equal("a file where the run directory should go", File.ReadAllText(RunDirectory));
    }

    [Fact]
    public void NonFiniteLossStopsAndKeepsTheLastGoodCheckpoint()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"));
        // An absurd learning rate blows the weights up after the first update.
        var result = CliRunner.Run("train", "--config", Config(), "--data-root", data, "--set", "training.optimizer.lr=1e30",
            "--set", "training.loss=softmax", "--set", "training.checkpoint_every_steps=1", "--set", "training.num_epochs=3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the training loss became", result.Error);
        Assert.Contains("step", result.Error);
        Assert.False(File.Exists(Path.Combine(RunDirectory, OutputLock.FileName)), "the run's folder is still locked after its error");
        using var last = Balms.Training.Checkpoints.Checkpoint.Load(Path.Combine(RunDirectory, "checkpoints", "latest.safetensors"));
        foreach (var (name, tensor) in last.Tensors)
            if (tensor.is_floating_point()) Assert.True(tensor.isfinite().all().item<bool>(), $"{name} is not finite in the kept checkpoint");
    }
}
