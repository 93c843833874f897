using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>A backbone that maps an image batch [B, C, H, W] to features [B, FeatureDim].</summary>
public abstract class FeatureExtractor(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int FeatureDim { get; }
}
