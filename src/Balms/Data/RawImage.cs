namespace Balms.Data;

/// <summary>An 8-bit image in height x width x channels (interleaved) order, as decoders produce it.</summary>
public sealed record RawImage(byte[] Pixels, int Height, int Width, int Channels)
{
    public byte this[int y, int x, int c] => Pixels[(y * Width + x) * Channels + c];
}

/// <summary>Channels x height x width of the float tensor a transform produces for one sample.</summary>
public readonly record struct SampleShape(int Channels, int Height, int Width)
{
    public int Length => Channels * Height * Width;
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
