using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// The 1×1 → 3×3 (strided, optionally grouped) → 1×1 residual block of ResNet-50/101/152 and ResNeXt, whose output has
/// <see cref="Expansion"/> × planes channels; the shortcut is the identity when none is given.
/// </summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    // Field names are the PyTorch module names, which become the state_dict keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <param name="groups">Groups of the 3×3 convolution (ResNeXt cardinality; 1 for ResNet).</param>
    /// <param name="widthPerGroup">Channels per group at planes = 64 (64 for ResNet, 4 for ResNeXt-50 32×4d).</param>
    public Bottleneck(long inPlanes, long planes, long stride, nn.Module<Tensor, Tensor>? downsample,
        long groups = 1, long widthPerGroup = 64) : base(nameof(Bottleneck))
    {
        long width = planes * widthPerGroup / 64 * groups;
        conv1 = ResNetLayers.Conv1x1(inPlanes, width);
        bn1 = ResNetLayers.BatchNorm(width);
        conv2 = ResNetLayers.Conv3x3(width, width, stride, groups);
        bn2 = ResNetLayers.BatchNorm(width);
        conv3 = ResNetLayers.Conv1x1(width, planes * Expansion);
        bn3 = ResNetLayers.BatchNorm(planes * Expansion);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var shortcut = downsample is null ? input : downsample.call(input);
        var hidden = bn1.call(conv1.Convolve(input)).relu_();
        hidden = bn2.call(conv2.Convolve(hidden)).relu_();
        var output = bn3.call(conv3.Convolve(hidden));
        return output.add_(shortcut).relu_().MoveToOuterDisposeScope();
    }
}
