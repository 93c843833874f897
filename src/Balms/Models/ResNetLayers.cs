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

    public static BatchNorm2d BatchNorm(long channels) => nn.BatchNorm2d(channels, eps: 1e-5, momentum: 0.1);

    public static void RequireInputChannels(int inputChannels)
    {
        if (inputChannels < 1)
            throw new BalmsException($"A backbone needs at least 1 input channel, got {inputChannels}.");
    }
}
