namespace Balms.Data.Transforms;

/// <summary>torchvision CenterCrop(size): the size x size window whose offsets are round((side - size) / 2), half to even.</summary>
internal sealed class CenterCrop(int size) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers)
    {
        if (image.Height < size || image.Width < size)
            throw new DataException($"image is {image.Height}x{image.Width}, smaller than the {size}x{size} centre crop");
        int top = (int)Math.Round((image.Height - size) / 2.0), left = (int)Math.Round((image.Width - size) / 2.0);
        return ImageWindow.Copy(image, top, left, size, size, buffers);
    }
}
