using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>The convolution and normalisation layers every residual network here is built from.</summary>
internal static class ResNetLayers
{
    // Every convolution is followed by batch norm, whose shift makes a convolution bias redundant.
    public static Conv2d Conv3x3(long inChannels, long outChannels, long stride = 1, long groups = 1) =>
        nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, groups: groups, bias: false);

    public static Conv2d Conv1x1(long inChannels, long outChannels, long stride = 1) =>
        nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false);

    /// <summary>
    /// Convolves in the input's type. A bfloat16 input (mixed precision) meets a bfloat16 copy of the float32 kernel;
    /// the gradient flows back through the copy to the kernel.
    /// </summary>
    public static Tensor Convolve(this Conv2d convolution, Tensor input)
    {
        var kernel = convolution.weight!;
        if (input.dtype == kernel.dtype) return convolution.call(input);
        using var lowPrecisionKernel = kernel.to(input.dtype);
        using var lowPrecisionBias = convolution.bias?.to(input.dtype);
        return nn.functional.conv2d(input, lowPrecisionKernel, lowPrecisionBias, convolution.stride, convolution.padding,
            convolution.dilation, convolution.groups);
    }

    public static BatchNorm2d BatchNorm(long channels) => nn.BatchNorm2d(channels, eps: 1e-5, momentum: 0.1);

    public static void RequireInputChannels(int inputChannels)
    {
        if (inputChannels < 1)
            throw new BalmsException($"A backbone needs at least 1 input channel, got {inputChannels}.");
    }
}
