using Balms.Models;
using TorchSharp;
using static Balms.Tests.Models.ArchitectureArithmetic;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class ResNet32Tests
{
    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void ParameterCountMatchesTheArchitecture(int inputChannels)
    {
        long stem = Conv(3, inputChannels, 16) + BatchNorm(16);
        long BlockParameters(long inPlanes, long planes) =>
            Conv(3, inPlanes, planes) + BatchNorm(planes) + Conv(3, planes, planes) + BatchNorm(planes);
        long stage1 = 5 * BlockParameters(16, 16);
        long stage2 = BlockParameters(16, 32) + 4 * BlockParameters(32, 32);
        long stage3 = BlockParameters(32, 64) + 4 * BlockParameters(64, 64);
        long expected = stem + stage1 + stage2 + stage3;

        using var model = new ResNet32(inputChannels);

        Assert.Equal(expected, model.TrainableParameterCount());
        if (inputChannels == 3)
            Assert.Equal(463_504, expected); // the "0.46 M" of the literature
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 28)]
    [InlineData(1, 32)]
    [InlineData(3, 32)]
    public void ForwardGivesA64DimensionalFeaturePerImage(int inputChannels, int size)
    {
        using var model = new ResNet32(inputChannels);
        using var images = randn(2, inputChannels, size, size);

        using var features = model.call(images);

        Assert.Equal(new long[] { 2, 64 }, features.shape);
        Assert.Equal(64, model.FeatureDim);
        Assert.True(features.isfinite().all().item<bool>());
    }

    [Fact]
    public void EveryParameterReceivesAGradient()
    {
        using var model = new ResNet32(inputChannels: 1);
        using var images = randn(2, 1, 8, 8);

        using var features = model.call(images);
        using var total = features.sum();
        total.backward();

        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.grad is not null && parameter.grad.abs().sum().item<float>() > 0, name);
    }

    [Fact]
    public void StateDictKeysAreThoseOfTheOriginalPyTorchModule()
    {
        var expected = new List<string>();
        void AddConv(string name) => expected.Add($"{name}.weight");
        void AddBatchNorm(string name) => expected.AddRange(
            new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }.Select(s => $"{name}.{s}"));
        AddConv("conv1");
        AddBatchNorm("bn1");
        for (int stage = 1; stage <= 3; stage++)
        {
            for (int block = 0; block < 5; block++)
            {
                string prefix = $"layer{stage}.{block}";
                AddConv($"{prefix}.conv1");
                AddBatchNorm($"{prefix}.bn1");
                AddConv($"{prefix}.conv2");
                AddBatchNorm($"{prefix}.bn2");
            }
        }

        using var model = new ResNet32();
        var keys = model.state_dict().Keys.ToList();

        Assert.Equal(186, keys.Count);
        Assert.Equal(expected.Count, keys.Count);
        Assert.Equal(expected.OrderBy(k => k, StringComparer.Ordinal), keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("layer2.0.bn1.running_var", keys);
        Assert.Contains("layer3.4.bn2.bias", keys);
    }

    [Fact]
    public void ConvolutionsAreHeNormalOverFanInAndBatchNormsAreIdentity()
    {
        manual_seed(20200);
        using var model = new ResNet32();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        // 32 → 64 channels, 3×3: fan_in = 288, so std √(2/288); fan_out would give √(2/576), 29% smaller.
        var weight = parameters["layer3.0.conv1.weight"];
        Assert.Equal(new long[] { 64, 32, 3, 3 }, weight.shape);
        double expectedStd = Math.Sqrt(2.0 / (32 * 9));
        Assert.InRange(weight.std().item<float>(), 0.98 * expectedStd, 1.02 * expectedStd);
        Assert.InRange(weight.mean().item<float>(), -0.05 * expectedStd, 0.05 * expectedStd);

        foreach (var (name, parameter) in parameters.Where(p => p.Key.Contains(".bn") || p.Key.StartsWith("bn")))
        {
            float expectedValue = name.EndsWith(".weight") ? 1f : 0f;
            Assert.True(parameter.eq(expectedValue).all().item<bool>(), name);
        }
    }

    [Fact]
    public void RejectsZeroInputChannels()
    {
        var error = Assert.Throws<BalmsException>(() => new ResNet32(0));
        Assert.Contains("input channel", error.Message);
    }
}
