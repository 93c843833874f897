using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class ResidualBlockTests
{
    /// <summary>Option A by hand: out[c, i, j] = in[c − pad, 2i, 2j] inside the original channels, 0 outside.</summary>
    private static float[] StridedChannelPadded(float[] input, int channels, int height, int width, int pad)
    {
        int outHeight = (height + 1) / 2, outWidth = (width + 1) / 2;
        var output = new float[(channels + 2 * pad) * outHeight * outWidth];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < outHeight; i++)
                for (int j = 0; j < outWidth; j++)
                    output[((c + pad) * outHeight + i) * outWidth + j] = input[(c * height + 2 * i) * width + 2 * j];
        return output;
    }

    [Fact]
    public void OptionAShortcutKeepsEverySecondPixelAndPadsChannelsOnBothSides()
    {
        float[] values = Enumerable.Range(1, 2 * 5 * 4).Select(v => (float)v).ToArray();
        using var input = tensor(values).reshape(1, 2, 5, 4);
        using var shortcut = new OptionAShortcut(channelPaddingPerSide: 1);

        using var output = shortcut.call(input);

        Assert.Equal(new long[] { 1, 4, 3, 2 }, output.shape);
        Assert.Equal(StridedChannelPadded(values, channels: 2, height: 5, width: 4, pad: 1), output.data<float>().ToArray());
        Assert.Empty(shortcut.parameters());
    }

    [Fact]
    public void BasicBlockAddsTheOptionAShortcutBeforeTheFinalRelu()
    {
        using var block = new BasicBlock(inPlanes: 2, planes: 4, stride: 2, downsample: new OptionAShortcut(1));
        SilenceResidualBranch(block, "bn2");
        float[] values = Enumerable.Range(0, 2 * 4 * 4).Select(v => v - 15f).ToArray();
        using var input = tensor(values).reshape(1, 2, 4, 4);

        using var output = block.call(input);

        float[] expected = StridedChannelPadded(values, channels: 2, height: 4, width: 4, pad: 1)
            .Select(v => Math.Max(v, 0f)).ToArray();
        Assert.Equal(expected, output.data<float>().ToArray());
    }

    [Fact]
    public void BottleneckWithoutDownsampleAddsItsInputBeforeTheFinalRelu()
    {
        using var block = new Bottleneck(inPlanes: 8, planes: 2, stride: 1, downsample: null);
        SilenceResidualBranch(block, "bn3");
        using var input = randn(2, 8, 3, 3);

        using var output = block.call(input);

        using var expected = input.relu();
        Assert.True(output.eq(expected).all().item<bool>());
    }

    [Fact]
    public void StridedBottleneckDownsamplesAndBackpropagatesToEveryParameter()
    {
        var downsample = nn.Sequential(nn.Conv2d(4, 8, kernel_size: 1, stride: 2, bias: false), nn.BatchNorm2d(8));
        using var block = new Bottleneck(inPlanes: 4, planes: 2, stride: 2, downsample: downsample);
        using var input = randn(2, 4, 5, 5);

        using var output = block.call(input);
        using var total = output.sum();
        total.backward();

        Assert.Equal(new long[] { 2, 8, 3, 3 }, output.shape);
        foreach (var (name, parameter) in block.named_parameters())
            Assert.True(parameter.grad is not null, name);
        Assert.Contains("downsample.0.weight", block.state_dict().Keys);
    }

    [Fact]
    public void GroupedBottleneckHasTheResNeXtWidth()
    {
        using var block = new Bottleneck(inPlanes: 64, planes: 64, stride: 1, downsample: null, groups: 32, widthPerGroup: 4);
        var shapes = block.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal(new long[] { 128, 64, 1, 1 }, shapes["conv1.weight"]);
        Assert.Equal(new long[] { 128, 4, 3, 3 }, shapes["conv2.weight"]);
        Assert.Equal(new long[] { 256, 128, 1, 1 }, shapes["conv3.weight"]);
    }

    /// <summary>A last batch norm with γ = β = 0 turns the residual branch into zeros, leaving relu(shortcut).</summary>
    private static void SilenceResidualBranch(nn.Module block, string lastNorm)
    {
        using var noGrad = no_grad();
        var parameters = block.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters[$"{lastNorm}.weight"].zero_();
        parameters[$"{lastNorm}.bias"].zero_();
    }
}
