using Balms.Cli;
using Balms.Tests.Cli;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using static Balms.Tests.Training.Checkpoints.WeightsTestKit;

namespace Balms.Tests.Training.Checkpoints;

public class ExportCommandTests
{
    private static readonly string OriginalCheckpoint = Fixture("resnet32_cifar10", "final_model_checkpoint.pth");

    [Fact]
    public void ExportsTheOriginalsCheckpointUnderItsOwnNames()
    {
        using var folder = new TempDirectory();
        string output = folder.Combine("resnet32.safetensors");

        int code = CliApp.Run(["export", "--checkpoint", OriginalCheckpoint, "--output", output, "--pytorch-keys=true"]);

        Assert.Equal(0, code);
        var stored = SafeTensorsFile.Load(output);
        using var original = ModelWeights.Read(OriginalCheckpoint);
        Assert.Equal(original.Tensors.Keys.Select(PyTorchKeys.ToOriginal).Order(), stored.Tensors.Keys.Order());
        Assert.Equal("original", stored.Metadata["key_names"]);
        foreach (var tensor in stored.Tensors.Values) tensor.Dispose();
    }

    [Fact]
    public void AnUnreadableCheckpointIsAUserError()
    {
        using var folder = new TempDirectory();
        string output = folder.Combine("out.safetensors");

        int code = CliApp.Run(["export", "--checkpoint", folder.Combine("missing.pth"), "--output", output]);

        Assert.Equal(CliApp.UserError, code);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ARunDirectoryMeansItsBestCheckpointAndTheOutputMustBeSafetensors()
    {
        using var folder = new TempDirectory();
        string run = folder.Combine("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        using (var weights = ModelWeights.Read(OriginalCheckpoint))
            WeightsExport.Write(weights, Path.Combine(run, "checkpoints", "best.safetensors"), originalKeys: false);

        Assert.Equal(0, CliApp.Run(["export", "--checkpoint", run, "--output", folder.Combine("from_run.safetensors")]));
        Assert.Equal(CliApp.UserError, CliApp.Run(["export", "--checkpoint", run, "--output", folder.Combine("named.pth")]));
        Assert.False(File.Exists(folder.Combine("named.pth")));
    }

    [Fact]
    public void ARunsOwnCheckpointIsNeverReplacedWhateverItIsCalled()
    {
        using var folder = new TempDirectory();
        string latest = folder.Combine("run", "checkpoints", "latest.safetensors"), linked = folder.Combine("linked.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(latest)!);
        using (var weights = ModelWeights.Read(OriginalCheckpoint))
            WeightsExport.Write(weights, latest, originalKeys: false);
        File.CreateSymbolicLink(linked, latest);
        byte[] before = File.ReadAllBytes(latest);

        foreach (string output in new[] { latest, linked })
        {
            var result = CliRunner.Run("export", "--checkpoint", latest, "--output", output, "--force");

            Assert.Equal($"error: --output {output} is the checkpoint being exported; export never replaces its input, name another file", result.Error.Trim());
            Assert.Equal(CliApp.UserError, result.ExitCode);
        }
        Assert.Equal(before, File.ReadAllBytes(latest));
    }

    [Fact]
    public void AnExistingFileIsReplacedOnlyWithForce()
    {
        using var folder = new TempDirectory();
        string output = folder.Combine("weights.safetensors");
        File.WriteAllText(output, "someone's file");

        var refused = CliRunner.Run("export", "--checkpoint", OriginalCheckpoint, "--output", output);

        Assert.Equal($"error: --output {output} exists; export replaces a file only with --force", refused.Error.Trim());
        Assert.Equal("someone's file", File.ReadAllText(output));
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", OriginalCheckpoint, "--output", output, "--force").ExitCode);
        var stored = SafeTensorsFile.Load(output);
        Assert.Equal(WeightsExport.Format, stored.Metadata["format"]);
        foreach (var tensor in stored.Tensors.Values) tensor.Dispose();
    }

    [Fact]
    public void AnExistingOnnxFileIsNotReplacedWithoutForceEither()
    {
        using var folder = new TempDirectory();
        string output = folder.Combine("model.onnx");
        File.WriteAllText(output, "a deployed model");

        var refused = CliRunner.Run("export", "--checkpoint", OriginalCheckpoint, "--output", output);

        Assert.Equal($"error: --output {output} exists; export replaces a file only with --force", refused.Error.Trim());
        Assert.Equal("a deployed model", File.ReadAllText(output));
    }
}
