using Balms.Data;
using Balms.Evaluation;
using Balms.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Evaluation;

public class EvaluatorTests
{
    /// <summary>Sample i is a 1x2 image holding i in two bytes; its label is i mod 3, except every 7th, labelled (i + 1) mod 3.</summary>
    private sealed class IndexedSource(int count) : ISampleSource
    {
        public int Count => count;
        public int ClassCount => 3;
        public IReadOnlyList<int> Labels { get; } = Enumerable.Range(0, count).Select(i => (i % 7 == 0 ? i + 1 : i) % 3).ToArray();
        public IReadOnlyList<string> ClassNames { get; } = ["a", "b", "c"];
        public RawImage Read(int index) => new([(byte)(index % 256), (byte)(index / 256)], 1, 2, 1);
        public string Describe(int index) => $"sample {index}";
    }

    private sealed class PixelValues : IImageTransform
    {
        public SampleShape OutputShape { get; } = new(1, 1, 2);

        public void Apply(RawImage image, Random random, Span<float> destination)
        {
            destination[0] = image.Pixels[0];
            destination[1] = image.Pixels[1];
        }
    }

    /// <summary>Decodes the sample's index from its two pixels and answers index mod 3 with confidence.</summary>
    private sealed class IndexModThree() : nn.Module<Tensor, Tensor>("index_mod_three")
    {
        public override Tensor forward(Tensor images)
        {
            var pixels = images.flatten(1);
            var index = pixels[.., 0] + 256 * pixels[.., 1];
            return nn.functional.one_hot(index.remainder(3).to(ScalarType.Int64), 3).to(ScalarType.Float32) * 10;
        }
    }

    [Fact]
    public void EveryImageIsEvaluatedAgainstItsOwnLabelAcrossBatches()
    {
        // 600 images: two full evaluation batches and a partial third, so both the batch boundaries and the last
        // partial batch count. The model is right except on the 86 relabelled images (every 7th of 600).
        const int count = 600;
        Assert.True(count > 2 * Evaluator.BatchSize && count % Evaluator.BatchSize != 0);
        var loader = new BatchLoader(new ImageDataset(new IndexedSource(count), new PixelValues()), workers: 2, prefetch: 2, seed: 0, CPU);
        using var model = new IndexModThree();

        var metrics = Evaluator.Evaluate(model, loader, [100, 50, 10], "test", SilentObserver.Instance);

        Assert.Equal(count, metrics.Confusion.Sum(row => row.Sum()));
        int relabelled = Enumerable.Range(0, count).Count(i => i % 7 == 0);
        Assert.Equal(1 - relabelled / (double)count, metrics.Top1, 12);
    }
}
