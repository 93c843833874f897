namespace Balms.Data.Transforms;

/// <summary>
/// torchvision RandomCrop(size, padding): pads every side with <paramref name="padding"/> zero pixels, then cuts a
/// size x size window at a uniformly random position of the padded image.
/// </summary>
internal sealed class PaddedRandomCrop(int size, int padding) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers)
    {
        int paddedHeight = image.Height + 2 * padding, paddedWidth = image.Width + 2 * padding;
        if (paddedHeight < size || paddedWidth < size)
            throw new DataException(
                $"image is {image.Height}x{image.Width}, too small for a {size}x{size} crop with padding {padding}");
        int top = random.Next(paddedHeight - size + 1) - padding;
        int left = random.Next(paddedWidth - size + 1) - padding;
        return ImageWindow.Copy(image, top, left, size, size, buffers);
    }
}
