using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>Which side of a convolution the He-normal initialisation scales by.</summary>
internal enum FanMode
{
    /// <summary>in_channels/groups · k · k, as <c>kaiming_normal_</c> by default (the CIFAR ResNet-32).</summary>
    FanIn,

    /// <summary>out_channels · k · k, as the ImageNet ResNets of the original code.</summary>
    FanOut,
}

/// <summary>The original networks' initialisation, applied to a whole module tree after construction.</summary>
internal static class WeightInit
{
    /// <summary>
    /// Draws every convolution weight from N(0, √(2/fan)) (He et al., ReLU gain) and resets every batch norm to the
    /// identity (γ = 1, β = 0).
    /// </summary>
    public static void HeNormal(nn.Module network, FanMode mode)
    {
        using var noGrad = no_grad();
        foreach (var module in network.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var weight = conv.weight!;
                    long receptiveField = weight.shape[2] * weight.shape[3];
                    long fan = (mode == FanMode.FanIn ? weight.shape[1] : weight.shape[0]) * receptiveField;
                    nn.init.normal_(weight, mean: 0, std: Math.Sqrt(2.0 / fan));
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
    }
}
