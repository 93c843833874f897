namespace Balms.Tests.Models;

/// <summary>
/// Parameter and state-dict key counts worked out from the layer shapes alone, independently of the model code.
/// </summary>
internal static class ArchitectureArithmetic
{
    /// <summary>Weights of a bias-free k×k convolution.</summary>
    public static long Conv(long kernel, long inChannels, long outChannels, long groups = 1) =>
        kernel * kernel * inChannels / groups * outChannels;

    /// <summary>γ and β of a batch norm (running statistics are buffers, not parameters).</summary>
    public static long BatchNorm(long channels) => 2 * channels;

    /// <summary>One convolution weight; batch norm weight, bias, running_mean, running_var, num_batches_tracked.</summary>
    public const int ConvKeys = 1;
    public const int BatchNormKeys = 5;

    /// <summary>ImageNet-style bottleneck network (ResNet-50/101/152, ResNeXt) without its classifier.</summary>
    public static long BottleneckNetworkParameters(int[] blocksPerStage, long groups, long widthPerGroup,
        long inputChannels = 3)
    {
        long total = Conv(7, inputChannels, 64) + BatchNorm(64);
        long inPlanes = 64;
        long[] planesPerStage = [64, 128, 256, 512];
        for (int stage = 0; stage < 4; stage++)
        {
            long width = planesPerStage[stage] * widthPerGroup / 64 * groups;
            long outPlanes = 4 * planesPerStage[stage];
            for (int block = 0; block < blocksPerStage[stage]; block++)
            {
                total += Conv(1, inPlanes, width) + BatchNorm(width)
                    + Conv(3, width, width, groups) + BatchNorm(width)
                    + Conv(1, width, outPlanes) + BatchNorm(outPlanes);
                if (block == 0)
                    total += Conv(1, inPlanes, outPlanes) + BatchNorm(outPlanes);
                inPlanes = outPlanes;
            }
        }
        return total;
    }
}
