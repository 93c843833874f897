using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class LinearClassifierTests
{
    [Fact]
    public void ParametersAreKeyedLikeTheOriginalHead()
    {
        using var head = new LinearClassifier(featureDim: 64, numClasses: 10);
        var shapes = head.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        Assert.Equal(new[] { "fc.bias", "fc.weight" }, shapes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 10, 64 }, shapes["fc.weight"]);
        Assert.Equal(new long[] { 10 }, shapes["fc.bias"]);
    }

    [Fact]
    public void InitialisationIsUniformWithinOneOverSqrtFanIn()
    {
        manual_seed(20200);
        using var head = new LinearClassifier(featureDim: 64, numClasses: 400);
        double bound = 1.0 / Math.Sqrt(64);
        var parameters = head.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        foreach (var parameter in parameters.Values)
        {
            Assert.True(parameter.abs().le(bound).all().item<bool>());
            Assert.True(parameter.abs().max().item<float>() > 0.95 * bound);
        }
        // U(−b, b) has standard deviation b/√3.
        double expectedStd = bound / Math.Sqrt(3);
        Assert.InRange(parameters["fc.weight"].std().item<float>(), 0.98 * expectedStd, 1.02 * expectedStd);
    }

    [Fact]
    public void ResetParametersDrawsNewValuesWithinTheSameBounds()
    {
        using var head = new LinearClassifier(featureDim: 16, numClasses: 5);
        var weight = head.named_parameters().Single(p => p.name == "fc.weight").parameter;
        using var before = weight.detach().clone();

        head.ResetParameters();

        Assert.False(weight.eq(before).all().item<bool>());
        Assert.True(weight.abs().le(1.0 / Math.Sqrt(16)).all().item<bool>());
    }

    [Fact]
    public void LogitsAreTheDotProductWithEachClassWeightPlusBias()
    {
        using var head = new LinearClassifier(featureDim: 2, numClasses: 3);
        var parameters = head.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            parameters["fc.weight"].copy_(tensor(new float[] { 1, 2, 0, -1, 3, 0.5f }).reshape(3, 2));
            parameters["fc.bias"].copy_(tensor(new float[] { 0.5f, 0, -1 }));
        }
        using var features = tensor(new float[] { 2, 4 }).reshape(1, 2);

        using var logits = head.call(features);

        // [1·2 + 2·4 + 0.5, 0·2 − 1·4 + 0, 3·2 + 0.5·4 − 1]
        Assert.Equal(new float[] { 10.5f, -4f, 7f }, logits.data<float>().ToArray());
    }

    [Fact]
    public void RejectsAnEmptyClassSet()
    {
        var error = Assert.Throws<BalmsException>(() => new LinearClassifier(featureDim: 8, numClasses: 0));
        Assert.Contains("class", error.Message);
    }
}
