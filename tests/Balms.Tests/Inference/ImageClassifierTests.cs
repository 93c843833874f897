using Balms.Configuration;
using Balms.Data;
using Balms.Inference;
using Balms.Models;
using Balms.Tests.Data.Readers;
using Balms.Tests.Fixtures;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Tests.Inference;

public class ImageClassifierTests : IDisposable
{
    private const int Precision = 6;
    private static readonly string[] Names = ["ant", "bee", "cow"];
    // Logits ln 1, ln 2, ln 4: the model alone says 1/7, 2/7, 4/7.
    private static readonly double[] Bias = [0, Math.Log(2), Math.Log(4)];
    private static readonly long[] Counts = [9, 3, 1];

    private readonly TempDirectory _temp = new();
    private readonly string _image;

    public ImageClassifierTests()
    {
        _image = ImageFolderFixture.WriteClass(_temp.Combine("images"), "any", 0, 3)[0];
    }

    public void Dispose() => _temp.Dispose();

    private string Checkpoint(string modelPrior = "balanced") =>
        TinyCheckpoint.Write(_temp.Combine($"{modelPrior}.safetensors"), Bias, Names, Counts, modelPrior);

    [Fact]
    public void ClassifyGivesTheModelsProbabilitiesByName()
    {
        using var classifier = ImageClassifier.Load(Checkpoint());

        var top = classifier.Classify(_image, top: 2);

        Assert.Equal(["cow", "bee"], top.Select(p => p.ClassName));
        Assert.Equal([2, 1], top.Select(p => p.ClassIndex));
        Assert.Equal(4.0 / 7, top[0].Probability, Precision);
        Assert.Equal(2.0 / 7, top[1].Probability, Precision);
        Assert.Equal(Names, classifier.ClassNames);
        Assert.Equal(ModelPrior.Balanced, classifier.ModelPrior);
    }

    [Fact]
    public void TheTrainingPriorMultipliesABalancedModelsProbabilities()
    {
        using var classifier = ImageClassifier.Load(Checkpoint());
        using var adjusted = classifier.WithPrior(Counts.Select(n => (double)n).ToArray());

        var top = adjusted.Classify(_image, top: 3);

        // p ∝ [1, 2, 4] * [9, 3, 1] = [9, 6, 4] / 19: the head class now wins.
        Assert.Equal(["ant", "bee", "cow"], top.Select(p => p.ClassName));
        Assert.Equal([9.0 / 19, 6.0 / 19, 4.0 / 19], top.Select(p => Math.Round(p.Probability, Precision)), new Tolerance(1e-6));
    }

    [Fact]
    public void AModelTrainedForTheTrainingPriorHasItDividedOut()
    {
        using var classifier = ImageClassifier.Load(Checkpoint("train"));
        using var balanced = classifier.WithPrior(PriorAdjustment.Uniform(3));

        var top = balanced.Classify(_image, top: 3);

        // p ∝ [1, 2, 4] / [9/13, 3/13, 1/13] ∝ [1/9, 2/3, 4] = [1, 6, 36] / 43.
        Assert.Equal(ModelPrior.Train, classifier.ModelPrior);
        Assert.Equal(["cow", "bee", "ant"], top.Select(p => p.ClassName));
        Assert.Equal(36.0 / 43, top[0].Probability, Precision);
        Assert.Equal(1.0 / 43, top[2].Probability, Precision);
    }

    [Fact]
    public void TheModelPriorCanBeOverriddenForCheckpointsThatDoNotRecordIt()
    {
        string path = TinyCheckpoint.Write(_temp.Combine("old.safetensors"), Bias, Names, Counts, modelPrior: null);

        using var recordedNothing = ImageClassifier.Load(path);
        using var overridden = ImageClassifier.Load(path, modelPrior: ModelPrior.Train);

        Assert.Equal(ModelPrior.Balanced, recordedNothing.ModelPrior);
        Assert.Equal(ModelPrior.Train, overridden.ModelPrior);
    }

    [Fact]
    public void ClassifyBatchGivesEveryImageItsOwnResultAcrossBatches()
    {
        // Five colours and a drawn classifier: every image has its own probabilities, so a result attached to the
        // wrong path shows.
        var paths = Enumerable.Range(0, 5).Select(c => ImageFolderFixture.WriteClass(_temp.Combine("many"), $"c{c}", c, 1)[0])
            .Reverse().ToArray();
        string checkpoint = TinyCheckpoint.Write(_temp.Combine("drawn.safetensors"), Bias, Names, Counts, classifierSeed: 1);
        using var classifier = ImageClassifier.Load(checkpoint, workers: 2);

        var results = classifier.ClassifyBatch(paths, top: 3, batchSize: 2).ToList();

        Assert.Equal(paths, results.Select(r => r.Path));
        var alone = paths.Select(path => classifier.Classify(path, top: 3)).ToList();
        Assert.Equal(paths.Length, alone.Select(top => Math.Round(top[0].Probability, 3)).Distinct().Count());
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.Equal(alone[i].Select(p => p.ClassName), results[i].Top.Select(p => p.ClassName));
            Assert.Equal(alone[i].Select(p => p.Probability), results[i].Top.Select(p => p.Probability), new Tolerance(1e-6));
        }
    }

    [Fact]
    public void ClassifyTensorReturnsProbabilitiesOfPreparedImages()
    {
        using var classifier = ImageClassifier.Load(Checkpoint());
        var pixels = new float[2 * classifier.Transform.OutputShape.Length];
        var image = ImageFolderFixture.Image(2, 0);
        classifier.Transform.Apply(image, new Random(0), pixels.AsSpan(0, classifier.Transform.OutputShape.Length));
        using var images = torch.tensor(pixels, [2, 3, 32, 32]);

        using var probabilities = classifier.Classify(images);

        Assert.Equal([2L, 3], probabilities.shape);
        Assert.Equal(1.0 / 7, probabilities[1, 0].item<double>(), Precision);
    }

    [Fact]
    public void ARunDirectoryMeansItsBestCheckpoint()
    {
        TinyCheckpoint.Write(_temp.Combine("run", "checkpoints", "best.safetensors"), Bias, Names, Counts);

        using var classifier = ImageClassifier.Load(_temp.Combine("run"));

        Assert.EndsWith(Path.Combine("checkpoints", "best.safetensors"), classifier.CheckpointPath);
        Assert.Contains("best.safetensors", Assert.Throws<BalmsException>(() => ImageClassifier.Load(_temp.Path)).Message);
    }

    [Fact]
    public void AViewMadeByWithPriorOutlivesTheOriginal()
    {
        var classifier = ImageClassifier.Load(Checkpoint());
        using var view = classifier.WithPrior(PriorAdjustment.Uniform(3));
        classifier.Dispose();

        Assert.Equal(4.0 / 7, view.Classify(_image, top: 1)[0].Probability, Precision);
        Assert.Throws<ObjectDisposedException>(() => classifier.Classify(_image));
    }

    [Fact]
    public void ACheckpointWithoutClassNamesIsRejected()
    {
        string weightsOnly = _temp.Combine("weights.safetensors");
        using (var model = LongTailModel.Create("resnet32", 3, 3))
            SafeTensorsFile.Save(weightsOnly, model.state_dict(), new Dictionary<string, string>());
        string noNames = TinyCheckpoint.Write(_temp.Combine("nonames.safetensors"), Bias, [], Counts);

        Assert.Contains("no class names", Assert.Throws<BalmsException>(() => ImageClassifier.Load(weightsOnly)).Message);
        Assert.Contains("no class names", Assert.Throws<BalmsException>(() => ImageClassifier.Load(noNames)).Message);
    }

    [Fact]
    public void AnUnreadableImageIsNamed()
    {
        string broken = _temp.Combine("broken.png");
        File.WriteAllBytes(broken, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]);
        using var classifier = ImageClassifier.Load(Checkpoint());

        Assert.Contains(broken, Assert.Throws<DataException>(() => classifier.Classify(broken)).Message);
    }
}
