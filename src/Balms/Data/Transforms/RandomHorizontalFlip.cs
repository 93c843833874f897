namespace Balms.Data.Transforms;

/// <summary>torchvision RandomHorizontalFlip: mirrors left-right with the given probability.</summary>
internal sealed class RandomHorizontalFlip(double probability = 0.5) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers) =>
        random.NextDouble() < probability ? Mirror(image, buffers) : image;

    internal static RawImage Mirror(RawImage image, ImageBuffers buffers)
    {
        RawImage mirrored = buffers.RentLike(image);
        ReadOnlySpan<byte> input = image.PixelSpan();
        Span<byte> output = mirrored.PixelSpan();
        int channels = image.Channels, rowLength = image.Width * channels;
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * rowLength;
            for (int x = 0; x < image.Width; x++)
            {
                int from = row + x * channels, to = row + (image.Width - 1 - x) * channels;
                for (int c = 0; c < channels; c++) output[to + c] = input[from + c];
            }
        }
        return mirrored;
    }
}
