namespace Balms.Models;

/// <summary>Creates a backbone from its configuration name.</summary>
public static class Backbones
{
    private static readonly Dictionary<string, Func<int, FeatureExtractor>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["resnet32"] = inputChannels => new ResNet32(inputChannels),
            ["resnet10"] = ImageNetResNet.ResNet10,
            ["resnet152"] = ImageNetResNet.ResNet152,
            ["resnext50"] = ImageNetResNet.ResNeXt50,
        };

    /// <summary>The accepted names (case-insensitive).</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool Exists(string name) => Factories.ContainsKey(name);

    /// <exception cref="BalmsException">The name is not one of <see cref="Names"/>.</exception>
    public static FeatureExtractor Create(string name, int inputChannels)
    {
        if (!Factories.TryGetValue(name, out var create))
            throw new BalmsException($"Unknown backbone '{name}'; valid names: {string.Join(", ", Names)}.");
        return create(inputChannels);
    }
}
