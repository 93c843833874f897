using Balms.Configuration;
using Balms.Data;
using Balms.Inference;
using Balms.Tests.Fixtures;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Training;

/// <summary>Runs of the long-tail methods record what eval and predict need: their head and the prior they fit.</summary>
public class LossMethodRunTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public LossMethodRunTests()
    {
        _data = TinyFashionMnist.Write(_temp.Combine("fmnist"), trainPerClass: 12, testPerClass: 2);
    }

    public void Dispose() => _temp.Dispose();

    private string Train(string name, string model, string training)
    {
        string path = _temp.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            data:
              dataset: fashion_mnist_lt
              root: {_data}
              imbalance_factor: 4
              head_class_size: 12
            model:
              backbone: resnet32
            {model}
            training:
              batch_size: 8
              num_epochs: 2
            {training}
            output:
              dir: {_temp.Combine("runs", name)}
            """);
        var options = ConfigLoader.Load(path);
        using var source = new CancellationTokenSource();
        return new Trainer(options, DatasetCatalog.Load(options), options.Output.Dir, new CancelWhen(source), torch.CPU).Run(source.Token).RunDirectory;
    }

    [Fact]
    public void AnLdamDrwRunRecordsItsCosineHeadAndPredictRebuildsIt()
    {
        string run = Train("ldam", "  head: {type: cosine, scale: 16}", "  loss: {type: ldam, max_m: 0.5, drw_epoch: 2}");

        using var checkpoint = Checkpoint.Load(Path.Combine(run, "checkpoints", "latest.safetensors"));
        Assert.Equal(new CosineHeadOptions { Scale = 16 }, HeadOptions.FromRecord(checkpoint.Info.Head, "latest"));
        Assert.Equal("train/effective_number(0.9999)", checkpoint.Info.ModelPrior);
        Assert.Equal(["classifier.weight"], checkpoint.Tensors.Keys.Where(k => k.StartsWith("classifier.")));
        using var classifier = ImageClassifier.Load(run);
        using var images = torch.zeros(2, 1, TinyFashionMnist.Side, TinyFashionMnist.Side);
        using var probabilities = classifier.Classify(images);
        Assert.Equal([2L, 10L], probabilities.shape);
    }

    [Fact]
    public void ALogitAdjustedRunRecordsThePowerOfTheTrainingPriorItFits()
    {
        string run = Train("la", "", "  loss: {type: logit_adjusted, tau: 0.25}");

        using var checkpoint = Checkpoint.Load(Path.Combine(run, "checkpoints", "best.safetensors"));
        Assert.Equal("train^0.75", checkpoint.Info.ModelPrior);
        Assert.Equal(new ModelPrior(0.75), ImageClassifier.Load(run).ModelPrior);
    }
}
