namespace Balms.Data.Transforms;

/// <summary>
/// torchvision RandomResizedCrop(size) with its defaults: a region covering 8%..100% of the image area with aspect
/// ratio log-uniform in [3/4, 4/3], resized to size x size with PIL bilinear resampling.
/// </summary>
internal sealed class RandomResizedCrop(int size) : IImageStep
{
    private const double MinScale = 0.08, MaxScale = 1.0, MinRatio = 3.0 / 4.0, MaxRatio = 4.0 / 3.0;
    private const int Attempts = 10;

    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers)
    {
        Region region = DrawRegion(image.Height, image.Width, random);
        return PilResample.Bilinear(image, region.Top, region.Left, region.Height, region.Width, size, size, buffers);
    }

    internal readonly record struct Region(int Top, int Left, int Height, int Width);

    /// <summary>
    /// Up to 10 draws of (area, ratio), sides rounded half to even, until the region fits; otherwise the central
    /// crop with the ratio clamped to [3/4, 4/3] (the whole image when its ratio is already inside).
    /// </summary>
    internal static Region DrawRegion(int height, int width, Random random)
    {
        double area = (double)height * width;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double targetArea = area * random.NextUniform(MinScale, MaxScale);
            double ratio = Math.Exp(random.NextUniform(Math.Log(MinRatio), Math.Log(MaxRatio)));
            int cropWidth = (int)Math.Round(Math.Sqrt(targetArea * ratio));
            int cropHeight = (int)Math.Round(Math.Sqrt(targetArea / ratio));
            if (cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height)
                return new Region(
                    random.Next(height - cropHeight + 1), random.Next(width - cropWidth + 1), cropHeight, cropWidth);
        }

        double imageRatio = (double)width / height;
        (int fallbackHeight, int fallbackWidth) = imageRatio < MinRatio ? ((int)Math.Round(width / MinRatio), width)
            : imageRatio > MaxRatio ? (height, (int)Math.Round(height * MaxRatio))
            : (height, width);
        return new Region((height - fallbackHeight) / 2, (width - fallbackWidth) / 2, fallbackHeight, fallbackWidth);
    }
}
