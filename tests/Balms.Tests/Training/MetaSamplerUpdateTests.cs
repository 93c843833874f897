using Balms.Configuration;
using Balms.Data;
using Balms.Data.Transforms;
using Balms.Losses;
using Balms.Models;
using Balms.Training;
using TorchSharp;
using TorchSharp.Modules;
using static Balms.Tests.Fixtures.Numeric;

namespace Balms.Tests.Training;

public class MetaSamplerUpdateTests
{
    /// <summary>28x28 images with the given labels: uniform grey, or with <paramref name="distinct"/> a pattern of their own each.</summary>
    private sealed class FakeSource(int[] labels, string[] names, bool distinct = false, int imageSeed = 0) : ISampleSource
    {
        public int Count => labels.Length;
        public int ClassCount => names.Length;
        public IReadOnlyList<int> Labels => labels;
        public IReadOnlyList<string> ClassNames => names;
        public RawImage Read(int index)
        {
            var random = new Random(imageSeed * 1000 + index);
            var pixels = Enumerable.Range(0, 28 * 28).Select(_ => distinct ? (byte)random.Next(256) : (byte)128).ToArray();
            return new RawImage(pixels, 28, 28, 1);
        }
        public string Describe(int index) => $"fake image {index}";
    }

    [Fact]
    public void BatchNormStatisticsMoveTrainMetaTrainAsInTheOriginal()
    {
        string[] names = ["a", "b", "c"];
        var transform = ImageTransforms.Test(TestTransformKey.FashionMnist);
        int[] trainLabels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
        var train = new ImageDataset(new FakeSource(trainLabels, names, distinct: true), transform);
        // One image per class: every meta batch of three is the whole meta set, in some order.
        var metaSet = new ImageDataset(new FakeSource([0, 1, 2], names, distinct: true, imageSeed: 1), transform);
        var data = new ExperimentData("fake", train, train, TestTransformKey.FashionMnist, null,
            Enumerable.Range(0, trainLabels.Length).ToArray(), names, _ => metaSet);
        var options = new ExperimentOptions { Training = new TrainingOptions { BatchSize = 4, Stage = TrainingStage.Decoupled } };
        using var model = FrozenModel();
        using var reference = FrozenModel();
        using var update = new MetaSamplerUpdate(new MetaSamplerOptions { MetaBatchSize = 3 }, data, options, torch.CPU);
        using var optimizer = new SgdMomentum([new SgdMomentum.Group("classifier", model.Head.named_parameters().ToList(), 0.1)], 0.9, 5e-4);
        using var loss = new BalancedSoftmax(train.ClassCounts());
        var loader = new BatchLoader(train, workers: 1, prefetch: 2, seed: 0, torch.CPU);
        using var metaImages = new BatchLoader(metaSet, workers: 1, prefetch: 2, seed: 0, torch.CPU).Load([0, 1, 2], 0, 0);

        using var batch = update.Batches(loader, epoch: 1, firstStep: 0, steps: 1).First();
        using var features = update.Update(model, optimizer, batch, 0.1, loss, out _);

        torch.Tensor expectedFeatures;
        using (torch.no_grad())
        {
            expectedFeatures = reference.Backbone.call(batch.Images);
            reference.Backbone.call(metaImages.Images).Dispose();
            reference.Backbone.call(batch.Images).Dispose();
        }
        using (expectedFeatures) AssertClose(Values(expectedFeatures), Values(features), 1e-5);
        var expected = RunningStatistics(reference);
        var actual = RunningStatistics(model);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) AssertClose(expected[i], actual[i], 1e-5);
    }

    private static LongTailModel FrozenModel()
    {
        torch.manual_seed(5);
        var model = LongTailModel.Create("resnet32", 1, 3);
        model.FreezeBackbone();
        model.train();
        return model;
    }

    private static List<double[]> RunningStatistics(LongTailModel model) =>
        model.Backbone.modules().OfType<BatchNorm>().SelectMany(layer => new[] { Values(layer.running_mean), Values(layer.running_var) }).ToList();

    [Fact]
    public void MetaSetWithoutAnImageOfAClassNamesTheClass()
    {
        string[] names = ["cat", "dog", "axolotl"];
        var transform = ImageTransforms.Test(TestTransformKey.FashionMnist);
        var train = new ImageDataset(new FakeSource([0, 0, 0, 1, 1, 2], names), transform);
        var metaWithoutAxolotl = new ImageDataset(new FakeSource([0, 1, 1, 0], names), transform);
        var data = new ExperimentData(
            "fake", train, train, TestTransformKey.FashionMnist, null, [0, 1, 2, 3, 4, 5], names, _ => metaWithoutAxolotl);
        var options = new ExperimentOptions { Training = new TrainingOptions { BatchSize = 2, Stage = TrainingStage.Decoupled } };
        var error = Assert.Throws<BalmsException>(() =>
            new MetaSamplerUpdate(new MetaSamplerOptions(), data, options, torch.CPU));
        Assert.Contains("class 2 (axolotl)", error.Message);
        Assert.Contains("meta set", error.Message);
    }
}
