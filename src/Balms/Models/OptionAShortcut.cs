using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The parameter-free "option A" shortcut of the CIFAR ResNets (He et al. 2016): keep every second row and column,
/// then zero-pad the channel axis on both sides, so a stride-2 block that doubles the width can add its input.
/// </summary>
internal sealed class OptionAShortcut : nn.Module<Tensor, Tensor>
{
    private readonly long channelPaddingPerSide;

    public OptionAShortcut(long channelPaddingPerSide) : base(nameof(OptionAShortcut))
    {
        this.channelPaddingPerSide = channelPaddingPerSide;
    }

    public override Tensor forward(Tensor input)
    {
        var everySecond = TensorIndex.Slice(step: 2);
        using var strided = input[TensorIndex.Colon, TensorIndex.Colon, everySecond, everySecond];
        // pad lists (before, after) pairs from the last axis backwards: width, height, then channels.
        return nn.functional.pad(strided, [0, 0, 0, 0, channelPaddingPerSide, channelPaddingPerSide]);
    }
}
