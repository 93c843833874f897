namespace Balms.Data.Transforms;

/// <summary>The 14 image operations of AutoAugment (Cubuk et al. 2019) in the PIL form the original code uses.</summary>
internal enum AutoAugmentOperation
{
    Invert, AutoContrast, Equalize, Posterize, Solarize,
    Color, Contrast, Brightness, Sharpness,
    ShearX, ShearY, TranslateX, TranslateY, Rotate,
}

/// <summary>
/// Applies one AutoAugment operation at a magnitude index k in 0..9. Magnitudes are numpy.linspace(start, stop, 10)[k]
/// over each operation's range, reproduced bit for bit. Operations marked "random sign" draw it from the caller's
/// Random (one Next(2) call) only when they run, like random.choice([-1, 1]) in the original.
/// </summary>
internal static class AutoAugmentOperations
{
    public const int MagnitudeLevels = 10;

    /// <summary>Grey that geometric operations put where the source falls outside the image.</summary>
    public const byte Fill = 128;

    public static RawImage Apply(
        AutoAugmentOperation operation, int magnitudeIndex, RawImage image, Random random, ImageBuffers buffers)
    {
        double magnitude = Magnitude(operation, magnitudeIndex);
        return operation switch
        {
            AutoAugmentOperation.Invert => PilPointOps.Invert(image, buffers),
            AutoAugmentOperation.AutoContrast => PilPointOps.AutoContrast(image, buffers),
            AutoAugmentOperation.Equalize => PilPointOps.Equalize(image, buffers),
            AutoAugmentOperation.Posterize => PilPointOps.Posterize(image, (int)Math.Round(magnitude), buffers),
            AutoAugmentOperation.Solarize => PilPointOps.Solarize(image, magnitude, buffers),
            AutoAugmentOperation.Color => Enhance(Enhancement.Color),
            AutoAugmentOperation.Contrast => Enhance(Enhancement.Contrast),
            AutoAugmentOperation.Brightness => Enhance(Enhancement.Brightness),
            AutoAugmentOperation.Sharpness => Enhance(Enhancement.Sharpness),
            AutoAugmentOperation.ShearX => PilAffine.Bicubic(
                image, new AffineMatrix(1, magnitude * RandomSign(random), 0, 0, 1, 0), Fill, buffers),
            AutoAugmentOperation.ShearY => PilAffine.Bicubic(
                image, new AffineMatrix(1, 0, 0, magnitude * RandomSign(random), 1, 0), Fill, buffers),
            AutoAugmentOperation.TranslateX => PilAffine.Nearest(
                image, AffineMatrix.Translation(magnitude * image.Width * RandomSign(random), 0), Fill, buffers),
            AutoAugmentOperation.TranslateY => PilAffine.Nearest(
                image, AffineMatrix.Translation(0, magnitude * image.Height * RandomSign(random)), Fill, buffers),
            AutoAugmentOperation.Rotate => PilAffine.Nearest(
                image, AffineMatrix.Rotation(magnitude, image.Width, image.Height), Fill, buffers),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };

        RawImage Enhance(Enhancement enhancement) =>
            PilEnhance.Enhance(image, enhancement, 1 + magnitude * RandomSign(random), buffers);
    }

    /// <summary>
    /// The operation's strength at index k: shear 0..0.3 (random sign); translate 0..150/331 of the image size
    /// (random sign); rotate 0..30 degrees counter-clockwise; colour/contrast/brightness/sharpness factor offset
    /// 0..0.9 (factor 1 +/- offset, random sign); posterize 8..4 bits (rounded: 8,8,7,7,6,6,5,5,4,4); solarize
    /// threshold 256..0. Invert, autocontrast and equalize have no magnitude (0).
    /// </summary>
    public static double Magnitude(AutoAugmentOperation operation, int magnitudeIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(magnitudeIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(magnitudeIndex, MagnitudeLevels);
        (double start, double stop) = operation switch
        {
            AutoAugmentOperation.ShearX or AutoAugmentOperation.ShearY => (0.0, 0.3),
            AutoAugmentOperation.TranslateX or AutoAugmentOperation.TranslateY => (0.0, 150.0 / 331.0),
            AutoAugmentOperation.Rotate => (0.0, 30.0),
            AutoAugmentOperation.Color or AutoAugmentOperation.Contrast
                or AutoAugmentOperation.Brightness or AutoAugmentOperation.Sharpness => (0.0, 0.9),
            AutoAugmentOperation.Posterize => (8.0, 4.0),
            AutoAugmentOperation.Solarize => (256.0, 0.0),
            _ => (0.0, 0.0),
        };
        return LinspaceAt(start, stop, magnitudeIndex);
    }

    /// <summary>numpy.linspace(start, stop, 10)[k]: k * ((stop - start) / 9) + start, with the last point exactly stop.</summary>
    private static double LinspaceAt(double start, double stop, int k) =>
        k == MagnitudeLevels - 1 ? stop : k * ((stop - start) / (MagnitudeLevels - 1)) + start;

    private static int RandomSign(Random random) => random.Next(2) == 0 ? -1 : 1;
}
