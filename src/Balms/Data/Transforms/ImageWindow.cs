namespace Balms.Data.Transforms;

internal static class ImageWindow
{
    /// <summary>
    /// The height x width window whose top-left corner is at (top, left) of <paramref name="image"/>; the corner may
    /// lie outside the image, and window pixels outside it are 0 (zero padding).
    /// </summary>
    public static RawImage Copy(RawImage image, int top, int left, int height, int width, ImageBuffers buffers)
    {
        RawImage window = buffers.Rent(height, width, image.Channels);
        Span<byte> output = window.PixelSpan();
        output.Clear();
        ReadOnlySpan<byte> input = image.PixelSpan();
        int channels = image.Channels;
        int firstX = Math.Max(0, -left), endX = Math.Min(width, image.Width - left);
        int firstY = Math.Max(0, -top), endY = Math.Min(height, image.Height - top);
        for (int y = firstY; y < endY && firstX < endX; y++)
        {
            var sourceRow = input.Slice(((top + y) * image.Width + left + firstX) * channels, (endX - firstX) * channels);
            sourceRow.CopyTo(output.Slice((y * width + firstX) * channels));
        }
        return window;
    }
}
