using static Balms.Data.Transforms.AutoAugmentOperation;

namespace Balms.Data.Transforms;

/// <summary>
/// AutoAugment's CIFAR-10 policy (used by the original code for CIFAR-100 too): picks one of 25 sub-policies
/// uniformly; a sub-policy applies its first operation with probability p1, then its second with probability p2.
/// </summary>
internal sealed class CifarAutoAugment : IImageStep
{
    internal readonly record struct SubPolicy(
        double Probability1, AutoAugmentOperation Operation1, int Magnitude1,
        double Probability2, AutoAugmentOperation Operation2, int Magnitude2);

    /// <summary>The CIFAR10Policy table: (p1, operation 1, magnitude index 1, p2, operation 2, magnitude index 2).</summary>
    internal static IReadOnlyList<SubPolicy> SubPolicies { get; } =
    [
        new(0.1, Invert, 7, 0.2, Contrast, 6),
        new(0.7, Rotate, 2, 0.3, TranslateX, 9),
        new(0.8, Sharpness, 1, 0.9, Sharpness, 3),
        new(0.5, ShearY, 8, 0.7, TranslateY, 9),
        new(0.5, AutoContrast, 8, 0.9, Equalize, 2),
        new(0.2, ShearY, 7, 0.3, Posterize, 7),
        new(0.4, Color, 3, 0.6, Brightness, 7),
        new(0.3, Sharpness, 9, 0.7, Brightness, 9),
        new(0.6, Equalize, 5, 0.5, Equalize, 1),
        new(0.6, Contrast, 7, 0.6, Sharpness, 5),
        new(0.7, Color, 7, 0.5, TranslateX, 8),
        new(0.3, Equalize, 7, 0.4, AutoContrast, 8),
        new(0.4, TranslateY, 3, 0.2, Sharpness, 6),
        new(0.9, Brightness, 6, 0.2, Color, 8),
        new(0.5, Solarize, 2, 0.0, Invert, 3),
        new(0.2, Equalize, 0, 0.6, AutoContrast, 0),
        new(0.2, Equalize, 8, 0.6, Equalize, 4),
        new(0.9, Color, 9, 0.6, Equalize, 6),
        new(0.8, AutoContrast, 4, 0.2, Solarize, 8),
        new(0.1, Brightness, 3, 0.7, Color, 0),
        new(0.4, Solarize, 5, 0.9, AutoContrast, 3),
        new(0.9, TranslateY, 9, 0.7, TranslateY, 9),
        new(0.9, AutoContrast, 2, 0.8, Solarize, 3),
        new(0.8, Equalize, 8, 0.1, Invert, 3),
        new(0.7, TranslateY, 9, 0.9, AutoContrast, 1),
    ];

    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers) =>
        ApplySubPolicy(SubPolicies[random.Next(SubPolicies.Count)], image, random, buffers);

    internal static RawImage ApplySubPolicy(SubPolicy policy, RawImage image, Random random, ImageBuffers buffers)
    {
        if (random.NextDouble() < policy.Probability1)
            image = AutoAugmentOperations.Apply(policy.Operation1, policy.Magnitude1, image, random, buffers);
        if (random.NextDouble() < policy.Probability2)
            image = AutoAugmentOperations.Apply(policy.Operation2, policy.Magnitude2, image, random, buffers);
        return image;
    }
}
