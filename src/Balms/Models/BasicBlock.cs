using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// Two 3×3 convolutions with batch norm and a residual connection:
/// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut being the identity when none is given.
/// </summary>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    // Field names are the PyTorch module names, which become the state_dict keys. The original CIFAR code calls its
    // shortcut "shortcut", torchvision "downsample"; option A has no parameters, so only torchvision's name reaches a key.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    public BasicBlock(long inPlanes, long planes, long stride, nn.Module<Tensor, Tensor>? downsample)
        : base(nameof(BasicBlock))
    {
        conv1 = ResNetLayers.Conv3x3(inPlanes, planes, stride);
        bn1 = ResNetLayers.BatchNorm(planes);
        conv2 = ResNetLayers.Conv3x3(planes, planes);
        bn2 = ResNetLayers.BatchNorm(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var shortcut = downsample is null ? input : downsample.call(input);
        var hidden = bn1.call(conv1.Convolve(input)).relu_();
        var output = bn2.call(conv2.Convolve(hidden));
        return output.add_(shortcut).relu_().MoveToOuterDisposeScope();
    }
}
