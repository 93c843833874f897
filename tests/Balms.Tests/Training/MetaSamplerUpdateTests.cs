using Balms.Configuration;
using Balms.Data;
using Balms.Data.Transforms;
using Balms.Training;
using TorchSharp;

namespace Balms.Tests.Training;

public class MetaSamplerUpdateTests
{
    /// <summary>Uniform grey 28x28 images with the given labels.</summary>
    private sealed class FakeSource(int[] labels, string[] names) : ISampleSource
    {
        public int Count => labels.Length;
        public int ClassCount => names.Length;
        public IReadOnlyList<int> Labels => labels;
        public IReadOnlyList<string> ClassNames => names;
        public RawImage Read(int index) => new(Enumerable.Repeat((byte)128, 28 * 28).ToArray(), 28, 28, 1);
        public string Describe(int index) => $"fake image {index}";
    }

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
