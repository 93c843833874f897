namespace Balms.Data.Transforms;

/// <summary>
/// Resizes the whole image to size x size (PIL bilinear), ignoring its aspect ratio; an image already of that size is
/// passed through untouched. Lets the fixed-size CIFAR and Fashion-MNIST test transforms take images of any size.
/// </summary>
internal sealed class ResizeToSquare(int size) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers) =>
        image.Height == size && image.Width == size
            ? image
            : PilResample.Bilinear(image, 0, 0, image.Height, image.Width, size, size, buffers);
}
