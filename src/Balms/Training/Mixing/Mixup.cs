using Balms.Configuration;
using static TorchSharp.torch;

namespace Balms.Training.Mixing;

/// <summary>mixup (Zhang et al., ICLR 2018): lambda * x_a + (1 - lambda) * x_b, pixel by pixel.</summary>
[BuiltFrom(typeof(MixupOptions))]
public sealed class Mixup(MixupOptions options, int seed) : BatchMixing(options, seed)
{
    protected override (Tensor Images, double Lambda) Combine(Tensor images, Tensor shuffled, double lambda, Random random)
    {
        using var first = images * lambda;
        using var second = shuffled * (1 - lambda);
        return (first + second, lambda);
    }
}
