using System.Text.Json.Nodes;
using Balms.Configuration;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Training;

/// <summary>What a decoupled stage starts from: the stage-1 classifier or a fresh one, stage 1's images or its own draw.</summary>
public class StageTwoTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheClassifierIsFreshUnlessStageTwoKeepsStageOnes(bool reset)
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 12, testPerClass: 2);
        string stageOne = Train(Config("stage1", "fashion_mnist_lt", data, "  loss: softmax"));
        // One epoch of the cosine schedule trains at end_lr = 0: whatever the stage ends with is what it started from.
        string stageTwo = Train(Config("stage2", "fashion_mnist_lt", data,
            $"  stage: decoupled\n  model_dir: {stageOne}\n  loss: balanced_softmax\n  reset_classifier: {(reset ? "true" : "false")}"));

        using var before = Checkpoint.Load(Path.Combine(stageOne, "checkpoints", "best.safetensors"));
        using var after = Checkpoint.Load(Path.Combine(stageTwo, "checkpoints", "latest.safetensors"));
        bool same = before.Tensors["classifier.fc.weight"].bytes.SequenceEqual(after.Tensors["classifier.fc.weight"].bytes);
        Assert.Equal(!reset, same);
        Assert.True(before.Tensors["feat_model.conv1.weight"].bytes.SequenceEqual(after.Tensors["feat_model.conv1.weight"].bytes));
    }

    /// <summary>
    /// Weight balancing's stage 2: the stage-1 classifier kept, each class's weight vector projected after every step
    /// onto the ball of radius min + threshold * (max - min) of its stage-1 norms. One epoch trains at lr 0 (see
    /// above), so the stage ends with exactly the projected stage-1 weights: min(|w_c|, r) w_c / |w_c|.
    /// </summary>
    [Fact]
    public void WeightBalancingStageTwoProjectsEveryClassOntoTheMaxNormBall()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 12, testPerClass: 2);
        string stageOne = Train(Config("stage1", "fashion_mnist_lt", data, "  loss: softmax\n  optimizer: {weight_decay: 0.005}"));
        string stageTwo = Train(Config("stage2", "fashion_mnist_lt", data,
            $"  stage: decoupled\n  model_dir: {stageOne}\n  reset_classifier: false\n  loss: {{type: class_balanced, beta: 0.9999}}\n  max_norm: {{threshold: 0.5}}"));

        using var before = Checkpoint.Load(Path.Combine(stageOne, "checkpoints", "best.safetensors"));
        using var after = Checkpoint.Load(Path.Combine(stageTwo, "checkpoints", "latest.safetensors"));
        double[][] rowsBefore = Rows(before.Tensors["classifier.fc.weight"]), rowsAfter = Rows(after.Tensors["classifier.fc.weight"]);
        double[] norms = rowsBefore.Select(Norm).ToArray();
        double radius = norms.Min() + 0.5 * (norms.Max() - norms.Min());
        Assert.Contains(norms, n => n > radius * 1.01);
        for (int c = 0; c < rowsBefore.Length; c++)
        {
            double shrink = Math.Min(1, radius / norms[c]);
            Numeric.AssertClose(rowsBefore[c].Select(w => w * shrink).ToArray(), rowsAfter[c], 1e-6);
        }
        Assert.Contains($"MaxNorm: every class's classifier weights are kept within norm {radius:G4}", File.ReadAllText(Path.Combine(stageTwo, "log.txt")));
    }

    private static double[][] Rows(TorchSharp.torch.Tensor weight) =>
        Numeric.Values(weight).Chunk((int)weight.shape[1]).ToArray();

    private static double Norm(double[] row) => Math.Sqrt(row.Sum(w => w * w));

    [Fact]
    public void ACifarStageTwoDrawsItsOwnSubsetOnlyWhenItsConfigSaysSo()
    {
        CifarFixture.WriteCifar10Binary(_temp.Path, trainPerClass: 12, testPerClass: 2);
        string stageOne = Train(Config("stage1", "cifar10_lt", _temp.Path, "  loss: softmax", dataSeed: 0));
        string stageTwo = $"  stage: decoupled\n  model_dir: {stageOne}\n  loss: balanced_softmax";

        var refused = Assert.Throws<BalmsException>(() => Train(Config("pinned", "cifar10_lt", _temp.Path, stageTwo, dataSeed: 1)));
        Assert.Contains("trained on other images", refused.Message);

        string redrawn = Train(Config("redrawn", "cifar10_lt", _temp.Path, stageTwo + "\n  stage2_subset: redraw", dataSeed: 1));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(redrawn, "train_indices.json")))!;
        Assert.Equal(1, record["data_seed"]!.GetValue<int>());
        var stageOneIndices = TrainingDataMatch.TrainIndicesOfItsRun(Path.Combine(stageOne, "checkpoints", "best.safetensors"))!;
        var stageTwoIndices = record["indices"]!.AsArray().Select(index => index!.GetValue<int>()).ToArray();
        Assert.Equal(stageOneIndices.Length, stageTwoIndices.Length);
        Assert.NotEqual(stageOneIndices.Order(), stageTwoIndices.Order());
        int shared = stageTwoIndices.Intersect(stageOneIndices).Count();
        Assert.Contains($"{shared} of its {stageTwoIndices.Length} images were in stage 1's training set", File.ReadAllText(Path.Combine(redrawn, "log.txt")));
    }

    [Theory]
    [InlineData("dataset: image_folder", "stage: decoupled\n  model_dir: x\n  stage2_subset: redraw", "not for image_folder")]
    [InlineData("dataset: cifar10_lt", "stage2_subset: redraw", "decoupled stage only")]
    [InlineData("dataset: cifar10_lt", "reset_classifier: false", "decoupled stage only")]
    public void StageTwoSettingsOutsideTheirStageAreConfigErrors(string dataset, string training, string expected)
    {
        string yaml = $"name: x\ndata:\n  {dataset}\ntraining:\n  num_epochs: 1\n  {training}\n";

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "x.yaml"));

        Assert.Contains(expected, error.Message);
    }

    private string Config(string name, string dataset, string root, string training, int dataSeed = 0)
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            data:
              dataset: {dataset}
              root: {root}
              imbalance_factor: 4
              head_class_size: 12
              data_seed: {dataSeed}
            training:
              batch_size: 8
              num_epochs: 1
            {training}
            output:
              dir: {_temp.Combine("runs", name)}
            """);
        return path;
    }

    private static string Train(string config)
    {
        var options = ConfigLoader.Load(config);
        var data = DatasetCatalog.Load(options);
        using var source = new CancellationTokenSource();
        var result = new Trainer(options, data, options.Output.Dir, new CancelWhen(source), torch.CPU).Run(source.Token);
        return result.RunDirectory;
    }
}
