namespace Balms.Data.Transforms;

/// <summary>Per-channel mean and standard deviation that a transform subtracts from and divides into [0,1] pixels.</summary>
public sealed class ChannelNormalization
{
    private readonly float[] mean;
    private readonly float[] std;

    public ChannelNormalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new BalmsException(
                $"normalization needs one mean and one std per channel, got {mean.Count} means and {std.Count} stds");
        if (std.Any(s => !(s > 0)))
            throw new BalmsException($"normalization std must be positive, got [{string.Join(", ", std)}]");
        this.mean = mean.ToArray();
        this.std = std.ToArray();
    }

    public IReadOnlyList<float> Mean => mean;
    public IReadOnlyList<float> Std => std;
    public int Channels => mean.Length;

    /// <summary>CIFAR-10/100 statistics used by the original code for both datasets.</summary>
    public static ChannelNormalization Cifar { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2023f, 0.1994f, 0.2010f]);

    public static ChannelNormalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>ImageNet statistics, used by the original code for ImageNet-LT and Places-LT.</summary>
    public static ChannelNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
}
