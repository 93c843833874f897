using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Models;

/// <summary>A backbone that maps an image batch [B, C, H, W] to features [B, FeatureDim].</summary>
public abstract class FeatureExtractor(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int FeatureDim { get; }

    /// <summary>
    /// The type of the feature maps and convolutions: float32, or bfloat16 for mixed precision, where parameters,
    /// gradients, BatchNorm statistics and the returned features stay float32.
    /// </summary>
    public ScalarType ComputeType { get; set; } = ScalarType.Float32;

    /// <summary>The images as the first feature map: channels-last, in <see cref="ComputeType"/>.</summary>
    protected Tensor FirstMap(Tensor images)
    {
        using var channelsLast = ChannelsLast.Of(images);
        return channelsLast.to(ComputeType);
    }

    /// <summary>Global average pooling of the last feature map to float32 features.</summary>
    protected static Tensor PooledFeatures(Tensor maps)
    {
        using var full = maps.to(ScalarType.Float32);
        return full.mean([2, 3]);
    }
}
