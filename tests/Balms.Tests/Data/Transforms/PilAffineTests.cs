using Balms.Data;
using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class PilAffineTests
{
    private const byte Fill = 128;

    [Theory]
    // Output x samples the input pixel containing the centre x + 0.5 + t.
    [InlineData(1.0, new byte[] { 20, 30, 40, Fill })]
    [InlineData(1.6, new byte[] { 30, 40, Fill, Fill })]
    [InlineData(-0.4, new byte[] { 10, 20, 30, 40 })]
    [InlineData(-0.6, new byte[] { Fill, 10, 20, 30 })]
    public void TranslationTakesTheNearestPixelAndFillsTheRest(double offset, byte[] expected)
    {
        var row = Grey(1, 4, 10, 20, 30, 40);
        Assert.Equal(expected, Run(b => PilAffine.Nearest(row, AffineMatrix.Translation(offset, 0), Fill, b)));
        var column = Grey(4, 1, 10, 20, 30, 40);
        Assert.Equal(expected, Run(b => PilAffine.Nearest(column, AffineMatrix.Translation(0, offset), Fill, b)));
    }

    [Fact]
    public void RotationMatrixFor90DegreesIsExact()
    {
        // Inverse map of a counter-clockwise quarter turn about (2, 2): source = (4 - y', x').
        Assert.Equal(new AffineMatrix(0, -1, 4, 1, 0, 0), AffineMatrix.Rotation(90, 4, 4));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Rotating90DegreesTurnsTheImageCounterClockwise(int size)
    {
        var image = Grey(size, size, Enumerable.Range(0, size * size).Select(i => (byte)(10 * (i / size) + i % size)).ToArray());
        // Counter-clockwise: the right column becomes the top row, new[y, x] = old[x, size - 1 - y].
        byte[] expected = new byte[size * size];
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            expected[y * size + x] = image[x, size - 1 - y, 0];
        Assert.Equal(expected, Run(b => PilAffine.Nearest(image, AffineMatrix.Rotation(90, size, size), Fill, b)));
    }

    [Fact]
    public void RotatingByZeroOr180DegreesIsExact()
    {
        var image = Noise(3, 4, 3, seed: 5);
        Assert.Equal(image.Pixels, Run(b => PilAffine.Nearest(image, AffineMatrix.Rotation(0, 4, 3), Fill, b)));
        byte[] turned = Run(b => PilAffine.Nearest(image, AffineMatrix.Rotation(180, 4, 3), Fill, b));
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++)
        for (int c = 0; c < 3; c++)
            Assert.Equal(image[2 - y, 3 - x, c], turned[(y * 4 + x) * 3 + c]);
    }

    [Fact]
    public void Rotating45DegreesFillsTheCorners()
    {
        // A corner centre lies 1.5 * sqrt(2) = 2.12 from the centre (2, 2); turned by 45 degrees it lands 0.12 outside.
        var image = Filled(4, 4, 3, 7);
        byte[] rotated = Run(b => PilAffine.Nearest(image, AffineMatrix.Rotation(45, 4, 4), Fill, b));
        foreach ((int y, int x) in new[] { (0, 0), (0, 3), (3, 0), (3, 3) })
            Assert.Equal(new byte[] { Fill, Fill, Fill }, rotated[((y * 4 + x) * 3)..((y * 4 + x) * 3 + 3)]);
        Assert.Equal(new byte[] { 7, 7, 7 }, rotated[((1 * 4 + 1) * 3)..((1 * 4 + 1) * 3 + 3)]);
    }

    [Fact]
    public void ZeroShearIsTheIdentity()
    {
        var image = Noise(5, 6, 3, seed: 9);
        Assert.Equal(image.Pixels, Run(b => PilAffine.Bicubic(image, new AffineMatrix(1, 0, 0, 0, 1, 0), Fill, b)));
    }

    [Fact]
    public void ShearInterpolatesWithPilsCubicAndTruncates()
    {
        // One row 0, 32, ..., 160. Shear 0.5 moves every sample a quarter pixel right (centre row y' = 0.5). PIL's
        // cubic (a = -1) on a ramp of slope s at d = 0.25 adds s * (2d - 3d^2 + 2d^3) = 0.34375 s = 11; at the edges
        // the repeated border pixels give 6.5 -> 6, 140.5 -> 140 and 164.5 -> 164.
        var ramp = Grey(1, 6, 0, 32, 64, 96, 128, 160);
        byte[] expected = [6, 43, 75, 107, 140, 164];
        Assert.Equal(expected, Run(b => PilAffine.Bicubic(ramp, new AffineMatrix(1, 0.5, 0, 0, 1, 0), Fill, b)));
        var column = Grey(6, 1, 0, 32, 64, 96, 128, 160);
        Assert.Equal(expected, Run(b => PilAffine.Bicubic(column, new AffineMatrix(1, 0, 0, 0.5, 1, 0), Fill, b)));
    }

    [Fact]
    public void ShearFillsWhereTheSourceLeavesTheImage()
    {
        // Shear 2 on a one-row image shifts the samples by exactly one pixel: the last column has no source.
        var ramp = Grey(1, 6, 0, 32, 64, 96, 128, 160);
        Assert.Equal(new byte[] { 32, 64, 96, 128, 160, Fill },
            Run(b => PilAffine.Bicubic(ramp, new AffineMatrix(1, 2, 0, 0, 1, 0), Fill, b)));
    }
}
