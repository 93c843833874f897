using Balms.Configuration;
using Balms.Data;
using Balms.Inference;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Training;
using TorchSharp;

namespace Balms.Tests.Inference;

public class CheckpointEvaluationTests : IDisposable
{
    private static readonly string[] Names = ["ant", "bee", "cow"];
    private readonly TempDirectory _temp = new();
    private readonly ExperimentOptions _options;
    private readonly ExperimentData _data;

    public CheckpointEvaluationTests()
    {
        // Train 12 / 6 / 3 images, test 4 a class, so that forward:4 keeps 4 / 2 / 1 test images.
        ImageFolderFixture.WriteClasses(_temp.Combine("data", "train"), (Names[0], 12), (Names[1], 6), (Names[2], 3));
        ImageFolderFixture.WriteClasses(_temp.Combine("data", "test"), (Names[0], 4), (Names[1], 4), (Names[2], 4));
        _options = new ExperimentOptions
        {
            Data = new DataOptions { Dataset = DatasetKind.ImageFolder, Root = _temp.Combine("data"), ImageSize = 32 },
        };
        _data = DatasetCatalog.Load(_options);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TheTestPriorIsThatOfTheRedrawnTestSet()
    {
        // A balanced model that slightly prefers the tail class for every image (logits 0, 0, 0.1) is right only on
        // the one cow; adjusted to the redrawn counts 4 : 2 : 1 (log 4, log 2, 0.1 up to a constant) it always says
        // ant, right on the 4 ants. Adjusting to the full test split's 4 : 4 : 4 would leave it at the cow.
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tail.safetensors"), [0, 0, 0.1], Names, [12, 6, 3]);
        var messages = new List<string>();

        var plain = Evaluate(new CheckpointEvaluationRequest(checkpoint, TestPrior: "forward:4"), []);
        var adjusted = Evaluate(new CheckpointEvaluationRequest(checkpoint, Prior: "test", TestPrior: "forward:4"), messages);

        Assert.Equal([0.0, 0.0, 1.0], plain.Metrics.PerClass);
        Assert.Equal(1.0 / 7, plain.Metrics.Top1, 9);
        Assert.Equal([1.0, 0.0, 0.0], adjusted.Metrics.PerClass);
        Assert.Equal(4.0 / 7, adjusted.MetricsJson["top1"]!.GetValue<double>(), 9);
        Assert.Equal("test", adjusted.MetricsJson["prior"]!.GetValue<string>());
        Assert.Equal("forward:4", adjusted.MetricsJson["test_prior"]!.GetValue<string>());
        Assert.Equal("balanced", adjusted.MetricsJson["model_prior"]!.GetValue<string>());
        Assert.Equal(Path.GetFullPath(checkpoint), adjusted.MetricsJson["checkpoint"]!.GetValue<string>());
        Assert.Equal([4L, 2, 1], adjusted.MetricsJson["test_class_counts"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Null(plain.MetricsJson["prior"]);

        Assert.Equal(3, messages.Count);
        Assert.StartsWith($"loaded {checkpoint} (", messages[0]);
        Assert.Equal("test set redrawn for --test-prior forward:4 (data seed 0): 7 images, per class [4, 2, 1]", messages[1]);
        Assert.Equal("logits adjusted from the model's balanced prior to the test prior", messages[2]);
    }

    /// <summary>
    /// A logit-adjusted model with tau = 0.5 records the prior train^0.5 that it fits; adjusting it to uniform takes
    /// 0.5 log n_c out of its logits (up to a constant). Logits 0.5 ln n + (-0.1, 0, -0.05) then leave (-0.1, 0, -0.05):
    /// bee for every image, where the model alone says ant and dividing out the full training prior would say cow.
    /// </summary>
    [Fact]
    public void ALogitAdjustedModelHasItsOwnPowerOfTheTrainingPriorDividedOut()
    {
        long[] counts = [12, 6, 3];
        double[] bias = [0.5 * Math.Log(12) - 0.1, 0.5 * Math.Log(6), 0.5 * Math.Log(3) - 0.05];
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("la.safetensors"), bias, Names, counts, modelPrior: "train^0.5");
        var messages = new List<string>();

        var own = Evaluate(new CheckpointEvaluationRequest(checkpoint), []);
        var balanced = Evaluate(new CheckpointEvaluationRequest(checkpoint, Prior: "uniform"), messages);
        var asIfTrain = Evaluate(new CheckpointEvaluationRequest(checkpoint, ModelPrior.Train, Prior: "uniform"), []);

        Assert.Equal([1.0, 0.0, 0.0], own.Metrics.PerClass);
        Assert.Equal([0.0, 1.0, 0.0], balanced.Metrics.PerClass);
        Assert.Equal([0.0, 0.0, 1.0], asIfTrain.Metrics.PerClass);
        Assert.Equal("train^0.5", balanced.MetricsJson["model_prior"]!.GetValue<string>());
        Assert.Equal("logits adjusted from the model's train^0.5 prior to the uniform prior", messages[^1]);
    }

    [Fact]
    public void ACheckpointForOtherClassesIsRejectedByName()
    {
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("two.safetensors"), [0, 0], ["ant", "bee"], [12, 6]);
        var messages = new List<string>();

        var error = Assert.Throws<BalmsException>(() => Evaluate(new CheckpointEvaluationRequest(checkpoint), messages));

        Assert.Equal($"{checkpoint} holds a model for 2 classes, but {_data.DatasetName} has 3", error.Message);
        Assert.Empty(messages);
    }

    [Fact]
    public void ARunDirectoryMeansItsBestCheckpointAndTheJsonNamesTheExperiment()
    {
        string run = _temp.Combine("run");
        string best = TinyCheckpoint.Write(Path.Combine(run, "checkpoints", "best.safetensors"), [0, 0, 0.1], Names, [12, 6, 3]);

        var result = Evaluate(new CheckpointEvaluationRequest(run), []);

        Assert.Equal(Path.GetFullPath(best), result.MetricsJson["checkpoint"]!.GetValue<string>());
        Assert.Equal(_options.Name, result.MetricsJson["experiment"]!.GetValue<string>());
        Assert.Equal([12L, 6, 3], result.MetricsJson["class_counts"]!.AsArray().Select(n => n!.GetValue<long>()));
    }

    [Theory]
    [InlineData(null, "sideways:5", "--test-prior sideways:5: no such file (expected forward:IF, backward:IF, or a JSON file")]
    [InlineData("bogus", null, "--prior bogus: no such file (expected uniform, train, train^P, test, or a JSON file")]
    public void AMistypedPriorFailsBeforeTheCheckpointIsRead(string? prior, string? testPrior, string expected)
    {
        var messages = new List<string>();

        var error = Assert.Throws<BalmsException>(() =>
            Evaluate(new CheckpointEvaluationRequest(_temp.Combine("never-read.safetensors"), Prior: prior, TestPrior: testPrior), messages));

        Assert.StartsWith(expected, error.Message);
        Assert.Empty(messages);
    }

    private CheckpointEvaluationResult Evaluate(CheckpointEvaluationRequest request, List<string> messages) =>
        CheckpointEvaluation.Run(request, _options, _data, torch.CPU, SilentObserver.Instance, messages.Add)
        ?? throw new InvalidOperationException("the evaluation reported a cancellation nobody asked for");
}
