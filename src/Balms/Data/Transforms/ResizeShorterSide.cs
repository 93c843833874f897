namespace Balms.Data.Transforms;

/// <summary>
/// torchvision Resize(size) with an int size: the shorter side becomes <paramref name="size"/>, the longer one
/// int(size * long / short) (truncated), PIL bilinear resampling.
/// </summary>
internal sealed class ResizeShorterSide(int size) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers)
    {
        int shorter = Math.Min(image.Height, image.Width), longer = Math.Max(image.Height, image.Width);
        int resizedLonger = (int)((double)size * longer / shorter);
        (int height, int width) = image.Width <= image.Height ? (resizedLonger, size) : (size, resizedLonger);
        if (height == image.Height && width == image.Width) return image;
        return PilResample.Bilinear(image, 0, 0, image.Height, image.Width, height, width, buffers);
    }
}
