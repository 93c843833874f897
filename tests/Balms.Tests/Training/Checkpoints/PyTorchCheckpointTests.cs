using System.Globalization;
using System.IO.Compression;
using Balms.Models;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using TorchSharp;
using static Balms.Tests.Training.Checkpoints.WeightsTestKit;
using static TorchSharp.torch;

namespace Balms.Tests.Training.Checkpoints;

/// <summary>Checkpoints written by PyTorch itself (tests/fixtures/make_pytorch_checkpoint.py, PyTorch 1.13).</summary>
public class PyTorchCheckpointTests
{
    private static readonly string OriginalCheckpoint = Fixture("resnet32_cifar10", "final_model_checkpoint.pth");

    [Fact]
    public void TheOriginalsFinalCheckpointGivesPyTorchsLogits()
    {
        float[] expected = File.ReadAllText(Fixture("resnet32_cifar10", "expected_logits.txt"))
            .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(value => float.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        using var model = LongTailModel.Create("resnet32", 3, 10);
        using var images = ProbeInput();

        var info = ModelWeights.LoadInto(model, OriginalCheckpoint, includeClassifier: true);

        float[] logits = Logits(model, images);
        Assert.Equal(20, expected.Length);
        Assert.Equal(expected.Length, logits.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(logits[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"logit {i}: {logits[i]} vs PyTorch's {expected[i]}");
        Assert.Equal(WeightsFormat.PyTorch, info.Format);
        Assert.Equal("PyTorch checkpoint, weights under 'state_dict_best'", info.Layout);
        Assert.Equal(187, info.Epoch); // best_epoch: state_dict_best holds the best epoch's weights
        Assert.Equal(10, info.ClassCount);
        Assert.Equal(model.state_dict().Count, info.TensorCount);
    }

    [Fact]
    public void AResNet32CheckpointIsRejectedByAResNet10AtItsFirstTensor()
    {
        using var model = LongTailModel.Create("resnet10", 3, 10);

        var error = Assert.Throws<BalmsException>(() => ModelWeights.LoadInto(model, OriginalCheckpoint, includeClassifier: false));

        Assert.Equal($"{OriginalCheckpoint}: tensor 'feat_model.conv1.weight' (stored as ['state_dict_best']['feat_model']['module.conv1.weight']) has shape [16, 3, 3, 3], a resnet10 backbone expects [64, 3, 7, 7]", error.Message);
    }

    [Fact]
    public void ExportWithOriginalKeysReadsBackToTheSameModel()
    {
        using var folder = new TempDirectory();
        string export = folder.Combine("resnet32.safetensors");
        using (var weights = ModelWeights.Read(OriginalCheckpoint))
            WeightsExport.Write(weights, export, originalKeys: true);
        using var fromPyTorch = LongTailModel.Create("resnet32", 3, 10);
        using var fromExport = LongTailModel.Create("resnet32", 3, 10);
        ModelWeights.LoadInto(fromPyTorch, OriginalCheckpoint, includeClassifier: true);

        var info = ModelWeights.LoadInto(fromExport, export, includeClassifier: true);

        using var images = ProbeInput();
        Assert.Equal(Logits(fromPyTorch, images), Logits(fromExport, images));
        Assert.Equal(187, info.Epoch);
    }

    [Theory]
    [InlineData("tensor_views_protocol2.pth")]
    [InlineData("tensor_views_protocol4.pth")]
    public void ViewsOfSharedStoragesAndOtherDtypesReadAsPyTorchHoldsThem(string file)
    {
        using var contents = TorchSaveFile.Read(Fixture(file));
        var found = PyTorchCheckpointLayout.Find(contents.Root, file);
        var tensors = found.Tensors.ToDictionary(t => t.FileKey, t => t.Tensor);

        Assert.Equal(new float[] { 2, 3, 4 }, tensors["sliced"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 4, 7 }, tensors["strided"].data<float>().ToArray());
        Assert.Equal(new long[] { 3, 2 }, tensors["transposed"].shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, tensors["transposed"].data<float>().ToArray());
        Assert.Equal(ScalarType.Float16, tensors["half"].dtype);
        using var half = tensors["half"].to_type(ScalarType.Float32);
        Assert.Equal(new float[] { 0.5f, -2f }, half.data<float>().ToArray());
        Assert.Empty(tensors["count"].shape);
        Assert.Equal(7L, tensors["count"].item<long>());
        Assert.Equal(3, found.Epoch);
        Assert.Equal(5, tensors.Count); // the numpy scalar and the argparse namespace are read past, not taken for tensors
    }

    [Fact]
    public void ATruncatedCheckpointGivesOneLineNamingTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("final_model_checkpoint.pth");
        byte[] bytes = File.ReadAllBytes(OriginalCheckpoint);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.StartsWith($"{path}: corrupt or truncated PyTorch checkpoint", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AStorageShorterThanItsTensorsIsCorrupt()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("views.pth");
        File.Copy(Fixture("tensor_views_protocol2.pth"), path);
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            archive.GetEntry("tensor_views_protocol2/data/0")!.Delete();
            using var shortened = archive.CreateEntry("tensor_views_protocol2/data/0").Open();
            shortened.Write(new byte[4]);
        }

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.Equal($"{path}: corrupt checkpoint: data/0 holds 4 bytes, its 10 Float32 values need 40", error.Message);
    }

    [Fact]
    public void ABrokenPickleIsCorruptAtItsByte()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("broken.pth");
        WriteZip(path, ("archive/data.pkl", [0x80, 0x02, 0x7d, 0xff]));

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.Equal($"{path}: corrupt checkpoint: its pickle (data.pkl) breaks at byte 3: unsupported pickle opcode 0xff", error.Message);
    }

    [Fact]
    public void AZipWithoutAPickleIsNotAPyTorchCheckpoint()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("other.zip");
        WriteZip(path, ("notes.txt", [0x41]));

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.Equal($"{path} is a zip file but not a PyTorch checkpoint (no <name>/data.pkl)", error.Message);
    }

    [Fact]
    public void TheLegacyFormatIsRecognisedAndExplained()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("old.pth");
        // What torch.save(..., _use_new_zipfile_serialization=False) starts with: protocol 2 and a LONG1 magic number.
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e, 0x80, 0x02]);

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.StartsWith($"{path} was written by torch.save in the legacy format of PyTorch < 1.6", error.Message);
    }

    [Theory]
    [InlineData(new byte[0], "is truncated or empty (0 bytes)")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 }, "is neither a safetensors file nor a PyTorch checkpoint")]
    public void OtherFilesAreRejectedByTheirContent(byte[] bytes, string expected)
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("weights.pth");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<BalmsException>(() => ModelWeights.Read(path));

        Assert.StartsWith($"{path} {expected}", error.Message);
    }

    [Fact]
    public void TheOriginalsStageOneFolderResolvesToItsFinalCheckpoint()
    {
        using var folder = new TempDirectory();
        string original = folder.Combine("final_model_checkpoint.pth");
        File.Copy(Fixture("tensor_views_protocol2.pth"), original);

        Assert.Equal(original, Balms.Training.Trainer.ResolveStageOneCheckpoint(folder.Path));
    }

    /// <summary>The script's probe_input(): ((i·7) mod 23) / 11 − 1 for i = 0 … 6143, exact in float32.</summary>
    private static Tensor ProbeInput()
    {
        using var steps = arange(2 * 3 * 32 * 32, dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();
        return steps.mul(7).remainder(23).to_type(ScalarType.Float32).div(11.0).sub(1.0).reshape(2, 3, 32, 32).MoveToOuterDisposeScope();
    }

    private static void WriteZip(string path, params (string Name, byte[] Bytes)[] entries)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var stream = archive.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }
}
