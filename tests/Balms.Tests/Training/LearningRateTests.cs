using Balms.Configuration;
using Balms.Data;
using Balms.Tests.Fixtures;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Training;

/// <summary>
/// The rates the optimiser applies: optimizer.backbone_lr (the original's feat_model optim_params.lr) drives the
/// backbone's group only, and a run whose rate is 0 throughout says so.
/// </summary>
public class LearningRateTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public LearningRateTests()
    {
        _data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 20, testPerClass: 2);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Trains end to end, <paramref name="steps"/> steps per epoch, and returns the final checkpoint's tensors by
    /// name. (Of two cosine epochs, the first trains at half the rate and the second at 0, as in the original.)
    /// </summary>
    private Dictionary<string, float[]> Train(string name, int steps, string? backboneLr, int epochs = 2)
    {
        var options = ConfigLoader.Parse($$"""
            name: {{name}}
            seed: 2
            data: {dataset: fashion_mnist_lt, root: {{_data}}, imbalance_factor: 5, head_class_size: 20}
            training:
              batch_size: 8
              num_epochs: {{epochs}}
              max_steps_per_epoch: {{steps}}
              loss: softmax
              optimizer: {lr: 0.1{{(backboneLr is null ? "" : ", backbone_lr: " + backboneLr)}}}
            output: {dir: {{_temp.Combine("runs", name)}}}
            """, name + ".yaml");
        new Trainer(options, DatasetCatalog.Load(options), options.Output.Dir, SilentObserver.Instance, torch.CPU).Run(CancellationToken.None);
        using var checkpoint = Checkpoint.Load(Path.Combine(options.Output.Dir, "checkpoints", "latest.safetensors"));
        return checkpoint.Tensors.Where(t => t.Value.dtype == torch.ScalarType.Float32)
            .ToDictionary(t => t.Key, t => t.Value.data<float>().ToArray());
    }

    [Fact]
    public void ABackboneRateOfZeroHoldsTheBackboneWhileTheClassifierLearns()
    {
        const string convolution = "feat_model.conv1.weight", classifier = "classifier.fc.weight";
        var frozenOneStep = Train("zero_1", steps: 1, backboneLr: "0");
        var frozenThreeSteps = Train("zero_3", steps: 3, backboneLr: "0");
        var sharedOneStep = Train("shared_1", steps: 1, backboneLr: null);

        Assert.Equal(frozenOneStep[convolution], frozenThreeSteps[convolution]);
        Assert.NotEqual(frozenOneStep[classifier], frozenThreeSteps[classifier]);
        // Without backbone_lr the backbone takes the classifier's rate, so the same first step moves it.
        Assert.NotEqual(frozenOneStep[convolution], sharedOneStep[convolution]);
        Assert.Equal(frozenOneStep[classifier], sharedOneStep[classifier]);
    }

    [Fact]
    public void ARunWhoseRateIsZeroThroughoutSaysSo()
    {
        Train("one_epoch", steps: 1, backboneLr: null, epochs: 1);
        Assert.Contains("warning: the learning rate is 0 in every epoch", File.ReadAllText(_temp.Combine("runs", "one_epoch", "log.txt")));
        Train("two_epochs", steps: 1, backboneLr: null);
        Assert.DoesNotContain("warning", File.ReadAllText(_temp.Combine("runs", "two_epochs", "log.txt")));
    }
}
