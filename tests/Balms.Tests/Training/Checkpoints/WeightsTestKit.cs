using Balms.Models;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Training.Checkpoints;

/// <summary>Fixture paths, small models with non-default weights and buffers, and a way to compare their outputs.</summary>
internal static class WeightsTestKit
{
    /// <summary>A file of tests/fixtures (written by tests/fixtures/make_pytorch_checkpoint.py).</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Repository.Root, "tests", "fixtures", .. parts]);

    /// <summary>A model whose BatchNorm statistics also differ from a fresh model's, so a copy that misses them shows.</summary>
    public static LongTailModel PerturbedModel(string backbone, int inputChannels, int classCount)
    {
        var model = LongTailModel.Create(backbone, inputChannels, classCount);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (name.EndsWith(".running_mean", StringComparison.Ordinal)) tensor.uniform_(-0.2, 0.2);
            else if (name.EndsWith(".running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 1.5);
            else if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) tensor.fill_(5);
        }
        return model;
    }

    /// <summary>Eval-mode logits as a flat array.</summary>
    public static float[] Logits(LongTailModel model, Tensor images)
    {
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(images);
        return logits.data<float>().ToArray();
    }

    /// <summary>Eval-mode backbone features as a flat array.</summary>
    public static float[] Features(LongTailModel model, Tensor images)
    {
        model.eval();
        using var noGrad = no_grad();
        using var features = model.Backbone.call(images);
        return features.data<float>().ToArray();
    }

    public static Tensor SmallImages(int inputChannels) => linspace(-1, 1, 2 * inputChannels * 8 * 8).reshape(2, inputChannels, 8, 8);

    /// <summary>Our checkpoint of a model for one-channel images.</summary>
    public static void SaveCheckpoint(LongTailModel model, string path, int epoch)
    {
        var info = new CheckpointInfo
        {
            Backbone = model.BackboneName, InputChannels = 1, ClassCount = model.ClassCount,
            ClassNames = Enumerable.Range(0, model.ClassCount).Select(c => $"c{c}").ToArray(),
            ClassCounts = Enumerable.Repeat(5L, model.ClassCount).ToArray(),
            Dataset = "test", Experiment = "test", Epoch = epoch, GlobalStep = 10L * epoch,
        };
        Checkpoint.Save(path, info, model, optimizer: null);
    }

    /// <summary>A safetensors file with exactly these tensors, as another tool would write it.</summary>
    public static void SaveForeign(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        SafeTensorsFile.Save(path, tensors.ToDictionary(), new Dictionary<string, string>());
}
