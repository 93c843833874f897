using System.Text.Json;
using Balms.Cli;
using Balms.Configuration;
using Balms.Data;
using Balms.Data.Readers;
using Balms.Inference;
using Balms.Inference.Onnx;
using Balms.Inference.Onnx.Format;
using Balms.Tests.Cli;
using Balms.Tests.Data.Images;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Tests.Training.Checkpoints;
using Balms.Training;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace Balms.Tests.Inference.Onnx;

/// <summary>
/// A ResNet-32 trained for a few steps on Fashion-MNIST-format data (generated, as the other tests' data), and
/// Fashion-MNIST test images as PNG files: Debian's when the dataset-fashion-mnist package is installed, else the
/// generated test split.
/// </summary>
public sealed class TrainedFashionMnist : IDisposable
{
    private const int Images = 40;
    private readonly TempDirectory _temp = new();

    public TrainedFashionMnist()
    {
        string data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 20, testPerClass: 4);
        var options = ConfigLoader.Parse($$"""
            name: tiny_softmax
            seed: 1
            data: {dataset: fashion_mnist_lt, root: {{data}}, imbalance_factor: 5, head_class_size: 20}
            training: {batch_size: 16, num_epochs: 2, max_steps_per_epoch: 4, loss: softmax}
            output: {dir: {{_temp.Combine("run")}}}
            """, "tiny_softmax.yaml");
        new Trainer(options, DatasetCatalog.Load(options), options.Output.Dir, SilentObserver.Instance, torch.CPU).Run(CancellationToken.None);
        Run = options.Output.Dir;

        string source = Directory.Exists(FashionMnist.DebianDirectory) ? FashionMnist.DebianDirectory : data;
        var test = FashionMnist.Open(source, DatasetSplit.Test);
        ImageFolder = _temp.Combine("images");
        for (int i = 0; i < Math.Min(Images, test.Count); i++) ImageFiles.WritePng(Path.Combine(ImageFolder, $"{i:D3}.png"), test.Read(i));
    }

    /// <summary>The run directory (its best checkpoint is a plain-softmax model: its prior is the training prior).</summary>
    public string Run { get; }

    public string ImageFolder { get; }

    public void Dispose() => _temp.Dispose();
}

/// <summary>
/// ./balms export to .onnx and ./balms predict --model: the exported file predicts what the checkpoint predicts,
/// with the same prior adjustment, says in its metadata what a consumer needs, and bad input leaves no file behind.
/// </summary>
public class OnnxExportCommandTests(TrainedFashionMnist trained) : IClassFixture<TrainedFashionMnist>, IDisposable
{
    private const double Agreement = 1e-4;
    private static readonly string[] Names = ["ant", "bee", "cow"];
    private static readonly long[] Counts = [9, 3, 1];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PredictOnTheExportedModelAgreesWithPredictOnTheCheckpoint()
    {
        string model = _temp.Combine("fmnist.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", model).ExitCode);

        var fromCheckpoint = Predictions(CliRunner.Run("predict", "--checkpoint", trained.Run, trained.ImageFolder, "--json", "--top", "10"));
        var fromModel = Predictions(CliRunner.Run("predict", "--model", model, trained.ImageFolder, "--json", "--top", "10"));

        Assert.Equal(fromCheckpoint.Select(p => p.Path), fromModel.Select(p => p.Path));
        Assert.Equal(fromCheckpoint.Select(p => p.Top[0].Class), fromModel.Select(p => p.Top[0].Class));
        foreach (var (expected, actual) in fromCheckpoint.Zip(fromModel))
            foreach (var (e, a) in expected.Top.OrderBy(p => p.Class).Zip(actual.Top.OrderBy(p => p.Class)))
                Assert.Equal(e.Probability, a.Probability, Agreement);
        Assert.True(fromCheckpoint.Select(p => p.Top[0].Class).Distinct().Count() > 1, "one class for every image would prove little");
    }

    [Theory]
    [InlineData("train")]
    [InlineData("uniform")]
    public void WithAPriorTheExportedProbabilitiesArePredictsWithThatPrior(string prior)
    {
        string model = _temp.Combine($"{prior}.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", model, "--prior", prior, "--softmax").ExitCode);

        var fromCheckpoint = Predictions(CliRunner.Run("predict", "--checkpoint", trained.Run, "--prior", prior, trained.ImageFolder, "--json", "--top", "3"));
        var fromModel = Predictions(CliRunner.Run("predict", "--model", model, trained.ImageFolder, "--json", "--top", "3"));

        Assert.Equal(fromCheckpoint.Select(p => p.Top.Select(t => t.Class)), fromModel.Select(p => p.Top.Select(t => t.Class)));
        foreach (var (expected, actual) in fromCheckpoint.Zip(fromModel))
            Assert.Equal(expected.Top.Select(t => t.Probability), actual.Top.Select(t => t.Probability), new Tolerance(Agreement));
    }

    [Fact]
    public void ThePriorAdjustedLogitsInsideTheGraphAreTheCheckpointsLogitsPlusPredictsOffsets()
    {
        // A balanced model adjusted to counts 9 : 3 : 1, so that the offsets are far from 0.
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("tiny.safetensors"), [0.1, 0.2, 0.3], Names, Counts, classifierSeed: 3);
        string model = _temp.Combine("tiny.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", checkpoint, "--output", model, "--prior", "train").ExitCode);

        using var loaded = ImageClassifier.Load(checkpoint);
        using var adjusted = loaded.WithPrior(Counts.Select(count => (double)count).ToArray());
        using var images = torch.randn([5, 3, 32, 32], generator: new torch.Generator(5));
        float[] logits = OnnxRuntimeMatch.Logits(loaded.TorchModel, images);
        float[] expected = logits.Select((logit, i) => (float)(logit + adjusted.LogitOffsets[i % Names.Length])).ToArray();
        float[] actual = OnnxRuntimeMatch.Run(File.ReadAllBytes(model), images);

        Assert.True(adjusted.LogitOffsets.Max() - adjusted.LogitOffsets.Min() > 1);
        Assert.True(OnnxRuntimeMatch.RelativeError(expected, actual) <= Agreement);
    }

    [Fact]
    public void TheFileSaysWhatAConsumerNeedsAndHasAFreeBatchDimension()
    {
        string model = _temp.Combine("meta.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", model, "--prior", "uniform").ExitCode);

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(model));
        Assert.Equal(OnnxExport.Opset, proto.OpsetImport.Single().Version);
        using var session = new InferenceSession(model, new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL });
        Assert.Equal([-1, 1, 28, 28], session.InputMetadata[OnnxExport.InputName].Dimensions);
        Assert.Equal([-1, 10], session.OutputMetadata[OnnxExport.LogitsName].Dimensions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(FashionMnist.ClassNames, JsonSerializer.Deserialize<string[]>(metadata["class_names"]));
        Assert.Equal(("1", "28", "28"), (metadata["input_channels"], metadata["input_height"], metadata["input_width"]));
        Assert.Equal([0.286f], JsonSerializer.Deserialize<float[]>(metadata["mean"])!);
        Assert.Equal([0.353f], JsonSerializer.Deserialize<float[]>(metadata["std"])!);
        Assert.Equal("fashion_mnist:28", metadata["input_transform"]);
        Assert.Equal("train", metadata["model_prior"]);
        Assert.Equal(Enumerable.Repeat(0.1, 10), JsonSerializer.Deserialize<double[]>(metadata["target_prior"]), new Tolerance(1e-12));
        Assert.Equal("logits", metadata["output"]);
    }

    [Fact]
    public void TheLibraryLoadsTheExportedModelWithWhatTheCheckpointKnows()
    {
        string model = _temp.Combine("library.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", model, "--prior", "uniform").ExitCode);

        using var checkpoint = ImageClassifier.Load(trained.Run);
        using var exported = ImageClassifier.Load(model);
        using var retargeted = exported.WithPrior(checkpoint.TrainingClassCounts.Select(count => (double)count).ToArray());

        Assert.Equal(checkpoint.ClassNames, exported.ClassNames);
        Assert.Equal(checkpoint.TrainingClassCounts, exported.TrainingClassCounts);
        Assert.Equal(ModelPrior.Train, exported.ModelPrior);
        Assert.Equal(Enumerable.Repeat(0.1, 10), exported.TargetPrior!, new Tolerance(1e-12));
        Assert.Equal(checkpoint.Transform.OutputShape, exported.Transform.OutputShape);
        // Moved from the exported uniform prior back to the training prior, it predicts as the checkpoint does.
        string image = Directory.GetFiles(trained.ImageFolder)[0];
        Assert.Equal(checkpoint.Classify(image, top: 10).Select(p => p.Probability), retargeted.Classify(image, top: 10).Select(p => p.Probability), new Tolerance(Agreement));
    }

    [Fact]
    public void AnUnknownExtensionOrAPriorOfTheWrongLengthIsAOneLineErrorAndLeavesNoFile()
    {
        string priorFile = _temp.Combine("three.json");
        File.WriteAllText(priorFile, "[1, 2, 3]");

        var wrongExtension = CliRunner.Run("export", "--checkpoint", trained.Run, "--output", _temp.Combine("model.onxx"));
        var wrongLength = CliRunner.Run("export", "--checkpoint", trained.Run, "--output", _temp.Combine("model.onnx"), "--prior", priorFile);

        AssertOneLineError(wrongExtension, ".safetensors for the weights, .onnx for a model ONNX Runtime runs");
        AssertOneLineError(wrongLength, "expected a JSON list of 10 per-class weights or counts");
        Assert.Empty(Directory.GetFiles(_temp.Path, "model.*"));
    }

    [Fact]
    public void AFileThatCannotBeWrittenIsAOneLineErrorAndLeavesNoPartialFile()
    {
        string notAFolder = _temp.Combine("file");
        File.WriteAllText(notAFolder, "");

        AssertOneLineError(CliRunner.Run("export", "--checkpoint", trained.Run, "--output", Path.Combine(notAFolder, "model.onnx")),
            "cannot write ONNX model");
        Assert.Equal([notAFolder], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void AWeightsFileWithoutClassNamesIsNotExportedToOnnx()
    {
        string original = WeightsTestKit.Fixture("resnet32_cifar10", "final_model_checkpoint.pth");

        AssertOneLineError(CliRunner.Run("export", "--checkpoint", original, "--output", _temp.Combine("original.onnx")),
            "ONNX export need a checkpoint written by ./balms train");
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void OptionsOfTheOtherFormatAreRefused()
    {
        AssertOneLineError(CliRunner.Run("export", "--checkpoint", trained.Run, "--output", _temp.Combine("a.onnx"), "--pytorch-keys"),
            "--pytorch-keys does not apply to a .onnx export");
        AssertOneLineError(CliRunner.Run("export", "--checkpoint", trained.Run, "--output", _temp.Combine("a.safetensors"), "--softmax"),
            "--softmax does not apply to a .safetensors export");
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void PredictRefusesAFileThatIsNotAnOnnxModelOrNotOneOfOurs()
    {
        string notOnnx = _temp.Combine("text.onnx");
        File.WriteAllText(notOnnx, "not a model");
        // A valid ONNX model without our metadata, as another exporter would write it.
        string foreign = _temp.Combine("foreign.onnx");
        using (var model = OnnxRuntimeMatch.RandomModel("resnet32", 1, 10, seed: 1))
            File.WriteAllBytes(foreign, OnnxRuntimeMatch.Export(model, new SampleShape(1, 28, 28)));

        AssertOneLineError(CliRunner.Run("predict", "--model", notOnnx, trained.ImageFolder), "is not an ONNX model that ONNX Runtime can load");
        AssertOneLineError(CliRunner.Run("predict", "--model", foreign, trained.ImageFolder), "is an ONNX model, but not one written by ./balms export");
    }

    [Fact]
    public void PredictTakesOneModelAndNoModelPriorForAnExportedOne()
    {
        string model = _temp.Combine("one.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--checkpoint", trained.Run, "--output", model).ExitCode);

        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--checkpoint", trained.Run, trained.ImageFolder), "give one of --checkpoint");
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--model-prior", "balanced", trained.ImageFolder), "--model-prior applies to checkpoints");
        AssertOneLineError(CliRunner.Run("export", "--checkpoint", model, "--output", _temp.Combine("again.onnx")), "export its checkpoint instead");
    }

    private static void AssertOneLineError(CliRunner.Result result, string expected)
    {
        Assert.Equal(CliApp.UserError, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    private sealed record Ranked(string Class, double Probability);

    private sealed record ImageTop(string Path, Ranked[] Top);

    private static List<ImageTop> Predictions(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var top = json.RootElement.GetProperty("top").EnumerateArray()
                .Select(p => new Ranked(p.GetProperty("class").GetString()!, p.GetProperty("probability").GetDouble())).ToArray();
            return new ImageTop(json.RootElement.GetProperty("path").GetString()!, top);
        }).ToList();
    }
}
