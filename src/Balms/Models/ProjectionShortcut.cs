using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>
/// torchvision's "downsample" shortcut: a strided 1×1 convolution and batch norm, for a block that changes the shape.
/// Its parts are registered as "0" and "1", the state_dict keys of torchvision's nn.Sequential.
/// </summary>
internal sealed class ProjectionShortcut : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d convolution;
    private readonly BatchNorm2d batchNorm;

    public ProjectionShortcut(long inPlanes, long outPlanes, long stride) : base(nameof(ProjectionShortcut))
    {
        convolution = ResNetLayers.Conv1x1(inPlanes, outPlanes, stride);
        batchNorm = ResNetLayers.BatchNorm(outPlanes);
        register_module("0", convolution);
        register_module("1", batchNorm);
    }

    public override Tensor forward(Tensor input)
    {
        using var projected = convolution.Convolve(input);
        return batchNorm.call(projected);
    }
}
