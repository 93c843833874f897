using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The parameter-free "option A" shortcut of the CIFAR ResNets (He et al. 2016): keep every second row and column,
/// then zero-pad the channel axis on both sides, so a stride-2 block that doubles the width can add its input.
/// </summary>
internal sealed class OptionAShortcut : nn.Module<Tensor, Tensor>
{
    public OptionAShortcut(long channelPaddingPerSide) : base(nameof(OptionAShortcut))
    {
        ChannelPaddingPerSide = channelPaddingPerSide;
    }

    /// <summary>Zero channels added before the input's channels, and as many after them.</summary>
    public long ChannelPaddingPerSide { get; }

    public override Tensor forward(Tensor input)
    {
        var everySecond = TensorIndex.Slice(step: 2);
        using var strided = input[TensorIndex.Colon, TensorIndex.Colon, everySecond, everySecond];
        // pad lists (before, after) pairs from the last axis backwards: width, height, then channels.
        return nn.functional.pad(strided, [0, 0, 0, 0, ChannelPaddingPerSide, ChannelPaddingPerSide]);
    }
}
