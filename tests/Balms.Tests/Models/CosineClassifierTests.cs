using Balms.Configuration;
using Balms.Models;
using Balms.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class CosineClassifierTests
{
    [Fact]
    public void LogitsAreTheScaledCosinesOfFeaturesAndClassWeights()
    {
        using var head = new CosineClassifier(new CosineHeadOptions { Scale = 30 }, featureDim: 2, numClasses: 3);
        using (no_grad())
        {
            using var weights = tensor(new float[] { 2, 0, 0, 5, 1, 1 }).reshape(3, 2);
            head.Weight.copy_(weights);
        }
        // The feature (3, 4) has length 5: cosines 3/5, 4/5 and 7/(5 sqrt 2) with the three classes.
        using var features = tensor(new float[] { 3, 4 }).reshape(1, 2);

        using var logits = head.call(features);

        LossAssertClose([30 * 0.6, 30 * 0.8, 30 * 7 / (5 * Math.Sqrt(2))], logits);
        Assert.Equal(["weight"], head.state_dict().Keys);
    }

    [Fact]
    public void TheLengthsOfFeaturesAndWeightsDoNotMatter()
    {
        manual_seed(7);
        using var head = new CosineClassifier(new CosineHeadOptions { Scale = 16 }, featureDim: 8, numClasses: 5);
        using var features = randn(4, 8);

        using var logits = head.call(features);
        using var longer = head.call(features * 10);
        using (no_grad()) head.Weight.mul_(3);
        using var heavier = head.call(features);

        Assert.True(logits.allclose(longer, atol: 1e-5));
        Assert.True(logits.allclose(heavier, atol: 1e-5));
        Assert.True(logits.abs().le(16.0001).all().item<bool>());
    }

    [Fact]
    public void ItIsBuiltFromModelHeadAndRebuiltFromTheCheckpointRecord()
    {
        var options = new CosineHeadOptions { Scale = 12 };

        using var model = LongTailModel.Create("resnet32", 1, 4, head: options);
        var rebuilt = HeadOptions.FromRecord(options.ToRecord(), "run.safetensors");

        var cosine = Assert.IsType<CosineClassifier>(model.Head);
        Assert.Equal(12, cosine.Scale);
        Assert.Equal(options, rebuilt);
    }

    private static void LossAssertClose(double[] expected, Tensor actual) => Numeric.AssertClose(expected, Numeric.Values(actual), 1e-4);
}
