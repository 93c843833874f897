namespace Balms.Data.Transforms;

/// <summary>
/// The last stage of every pipeline: bytes to [0,1] floats (torchvision ToTensor), an optional Cutout hole, then
/// per-channel normalisation, written channel-major (CHW). Arithmetic is float32 in torchvision's order, v/255 then
/// (x - mean)/std. The hole is cut before normalising, as in the original, so its pixels become -mean/std, not 0.
/// </summary>
internal sealed class NormalizeToChw
{
    private readonly float[][] valueOfByte;
    private readonly float[] valueOfHole;
    private readonly int cutoutLength;

    /// <param name="cutoutLength">Side of the square Cutout hole (DeVries and Taylor 2017); 0 for no hole.</param>
    public NormalizeToChw(ChannelNormalization normalization, int cutoutLength = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cutoutLength);
        this.cutoutLength = cutoutLength;
        Channels = normalization.Channels;
        valueOfByte = new float[Channels][];
        valueOfHole = new float[Channels];
        for (int c = 0; c < Channels; c++)
        {
            float mean = normalization.Mean[c], std = normalization.Std[c];
            valueOfByte[c] = new float[256];
            for (int v = 0; v < 256; v++) valueOfByte[c][v] = (v / 255f - mean) / std;
            valueOfHole[c] = (0f - mean) / std;
        }
    }

    public int Channels { get; }

    public void Write(RawImage image, Random random, Span<float> destination)
    {
        int height = image.Height, width = image.Width, planeSize = height * width;
        var hole = cutoutLength > 0 ? DrawHole(height, width, random) : default;
        ReadOnlySpan<byte> pixels = image.PixelSpan();
        for (int c = 0; c < Channels; c++)
        {
            float[] lookup = valueOfByte[c];
            Span<float> plane = destination.Slice(c * planeSize, planeSize);
            for (int i = 0; i < planeSize; i++) plane[i] = lookup[pixels[i * Channels + c]];
            for (int y = hole.Top; y < hole.Bottom; y++)
                plane.Slice(y * width + hole.Left, hole.Right - hole.Left).Fill(valueOfHole[c]);
        }
    }

    /// <summary>Centre uniform over all pixels, the square clipped to the image (so holes near an edge are smaller).</summary>
    private Hole DrawHole(int height, int width, Random random)
    {
        int centreY = random.Next(height), centreX = random.Next(width), half = cutoutLength / 2;
        return new Hole(
            Math.Clamp(centreY - half, 0, height), Math.Clamp(centreY + half, 0, height),
            Math.Clamp(centreX - half, 0, width), Math.Clamp(centreX + half, 0, width));
    }

    private readonly record struct Hole(int Top, int Bottom, int Left, int Right);
}
