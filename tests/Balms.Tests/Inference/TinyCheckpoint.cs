using Balms.Models;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Inference;

/// <summary>
/// A Balms checkpoint of a ResNet-32 whose classifier weights are all zero, so that its logits equal the classifier
/// bias for every image: predictions can then be computed by hand. With a classifier seed the weights are drawn
/// instead, so that every image gets its own prediction, and the backbone is initialised from the same seed, so that
/// those predictions do not depend on what the tests before drew from torch's global generator.
/// </summary>
internal static class TinyCheckpoint
{
    public static string Write(string path, double[] bias, string[] classNames, long[] classCounts,
        string? modelPrior = "balanced", string? inputTransform = "imagenet:32", int? classifierSeed = null)
    {
        // The backbone's random weights decide the features, and with drawn classifier weights the predictions: seeded,
        // so that a test does not depend on what ran before it.
        torch.manual_seed(classifierSeed ?? 0);
        using var model = LongTailModel.Create("resnet32", 3, bias.Length);
        using (torch.no_grad())
        {
            var (weight, biasParameter) = (model.Head.named_parameters().Single(p => p.name.EndsWith("weight")).parameter,
                model.Head.named_parameters().Single(p => p.name.EndsWith("bias")).parameter);
            if (classifierSeed is { } seed)
            {
                // An untrained ResNet-32's features run into the thousands: small weights keep the softmax unsaturated.
                using var drawn = torch.randn(weight.shape, generator: new torch.Generator((ulong)seed)).mul_(0.001);
                weight.copy_(drawn);
            }
            else weight.zero_();
            using var values = torch.tensor(bias.Select(b => (float)b).ToArray());
            biasParameter.copy_(values);
        }
        var info = new CheckpointInfo
        {
            Backbone = "resnet32",
            InputChannels = 3,
            ClassCount = bias.Length,
            ClassNames = classNames,
            ClassCounts = classCounts,
            Dataset = "image folder tiny",
            Experiment = "tiny",
            Epoch = 1,
            GlobalStep = 1,
            InputTransform = inputTransform,
            ModelPrior = modelPrior,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Checkpoint.Save(path, info, model, optimizer: null);
        return path;
    }

    /// <summary>softmax(logits) computed by hand.</summary>
    public static double[] Softmax(params double[] logits)
    {
        double max = logits.Max();
        double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }
}
