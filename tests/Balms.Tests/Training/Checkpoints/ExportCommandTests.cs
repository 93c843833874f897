using Balms.Cli;
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
}
