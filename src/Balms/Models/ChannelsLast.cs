using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The channels-last (NHWC) memory layout for convolution networks on the CPU: oneDNN convolves NHWC tensors without
/// reordering them to its blocked layout and back around every convolution, and batch norm, ReLU and the residual
/// additions keep the layout. Shapes stay [B, C, H, W]; only the strides change, so values, state_dict keys and
/// checkpoints are unaffected. (TorchSharp has no memory_format overload of contiguous(), hence the permutes.)
/// </summary>
internal static class ChannelsLast
{
    /// <summary>A channels-last copy of a 4-d tensor (the tensor itself when it already is one or is not 4-d).</summary>
    public static Tensor Of(Tensor maps)
    {
        if (maps.dim() != 4 || IsChannelsLast(maps)) return maps.alias();
        using var nhwc = maps.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>Stores every 4-d parameter (the convolution kernels) of <paramref name="network"/> channels-last.</summary>
    public static void ConvertParameters(nn.Module network)
    {
        using var noGrad = no_grad();
        foreach (var parameter in network.parameters())
        {
            if (parameter.dim() != 4) continue;
            using var converted = Of(parameter);
            parameter.set_(converted);
        }
    }

    private static bool IsChannelsLast(Tensor maps)
    {
        long[] strides = maps.stride();
        long channels = maps.shape[1], height = maps.shape[2], width = maps.shape[3];
        return strides[1] == 1 && strides[3] == channels && strides[2] == channels * width && strides[0] == channels * width * height;
    }
}
