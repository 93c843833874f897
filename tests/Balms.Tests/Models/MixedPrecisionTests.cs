using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

/// <summary>bfloat16 compute (model.precision) against the same network in float32.</summary>
public class MixedPrecisionTests
{
    public static TheoryData<string, int> Backbones => new() { { "resnet32", 32 }, { "resnet10", 64 } };

    [Theory]
    [MemberData(nameof(Backbones))]
    public void FeaturesAndGradientsFollowTheFloat32NetworkAndStayFloat32(string backbone, int size)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var reference = LongTailModel.Create(backbone, 3, 4);
        using var mixed = LongTailModel.Create(backbone, 3, 4, ScalarType.BFloat16);
        mixed.load_state_dict(reference.state_dict());
        var images = randn(8, 3, size, size);
        var labels = tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });

        var expected = reference.Backbone.call(images);
        var actual = mixed.Backbone.call(images);
        nn.functional.cross_entropy(reference.call(images), labels).backward();
        nn.functional.cross_entropy(mixed.call(images), labels).backward();

        Assert.Equal(ScalarType.Float32, actual.dtype);
        AssertBfloat16Rounding(actual, expected);
        // Rounding accumulates towards the input: PyTorch's own bfloat16 autocast on this ResNet-32 gives cosines of
        // about 0.92 for the stem's gradient and 0.99 for the last block's (three seeds, batch 8).
        var expectedGradients = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        string lastConvolution = expectedGradients.Keys.Last(name => name.Contains("conv"));
        var minimumCosine = new Dictionary<string, double>
        {
            ["feat_model.conv1.weight"] = 0.85, [lastConvolution] = 0.97, ["classifier.fc.weight"] = 0.99,
        };
        foreach (var (name, parameter) in mixed.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            Assert.Equal(ScalarType.Float32, parameter.grad!.dtype);
            if (minimumCosine.TryGetValue(name, out double minimum))
            {
                double cosine = CosineSimilarity(parameter.grad, expectedGradients[name]);
                Assert.True(cosine > minimum, $"{name}: gradient cosine {cosine:F4}");
            }
        }
        var runningMean = mixed.state_dict().Single(entry => entry.Key == "feat_model.bn1.running_mean").Value;
        Assert.Equal(ScalarType.Float32, runningMean.dtype);
    }

    [Fact]
    public void EvalModeFeaturesFollowTheFloat32Network()
    {
        // Evaluation and cached BALMS meta features run BatchNorm on its running statistics.
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var reference = LongTailModel.Create("resnet32", 3, 4);
        using var mixed = LongTailModel.Create("resnet32", 3, 4, ScalarType.BFloat16);
        var images = randn(8, 3, 32, 32);
        // Some training-mode forwards first, so that the running statistics are not the initial 0 and 1.
        using (no_grad())
            for (int i = 0; i < 3; i++) reference.Backbone.call(randn(8, 3, 32, 32));
        mixed.load_state_dict(reference.state_dict());
        reference.eval();
        mixed.eval();

        using var noGrad = no_grad();
        var expected = reference.Backbone.call(images);
        var actual = mixed.Backbone.call(images);

        Assert.Equal(ScalarType.Float32, actual.dtype);
        AssertBfloat16Rounding(actual, expected);
    }

    /// <summary>
    /// bfloat16 keeps 8 significant bits: a relative error of a few per cent over a deep network. Float32 arithmetic
    /// in another order differs by about 1e-6, so an error below 1e-4 means that the network did not run in bfloat16.
    /// </summary>
    private static void AssertBfloat16Rounding(Tensor actual, Tensor expected)
    {
        double error = RelativeError(actual, expected);
        Assert.True(error is > 1e-4 and < 0.05, $"features differ by {error:E2}");
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        ((actual - expected).norm() / expected.norm()).item<float>();

    private static double CosineSimilarity(Tensor a, Tensor b) =>
        nn.functional.cosine_similarity(a.flatten().unsqueeze(0), b.flatten().unsqueeze(0)).item<float>();
}
