namespace Balms.Data.Transforms;

/// <summary>
/// PIL's affine coefficients (a, b, c, d, e, f): output pixel (x, y) samples the input at
/// (a x' + b y' + c, d x' + e y' + f), where x' = x + 0.5 and y' = y + 0.5 are the output pixel's centre.
/// </summary>
internal readonly record struct AffineMatrix(double A, double B, double C, double D, double E, double F)
{
    public static AffineMatrix Translation(double dx, double dy) => new(1, 0, dx, 0, 1, dy);

    /// <summary>
    /// The inverse map PIL's Image.rotate(degrees) builds: counter-clockwise about the image centre (w/2, h/2), with
    /// the cosine and sine rounded to 15 decimals as PIL does (so 90 degrees gives exact zeros).
    /// </summary>
    public static AffineMatrix Rotation(double degrees, int width, int height)
    {
        double angle = -(PythonModulo(degrees, 360.0) * (Math.PI / 180.0));
        double cos = Math.Round(Math.Cos(angle), 15), sin = Math.Round(Math.Sin(angle), 15);
        double centreX = width / 2.0, centreY = height / 2.0;
        double c = cos * -centreX + sin * -centreY + centreX;
        double f = -sin * -centreX + cos * -centreY + centreY;
        return new AffineMatrix(cos, sin, c, -sin, cos, f);
    }

    private static double PythonModulo(double value, double modulus)
    {
        double remainder = value % modulus;
        return remainder < 0 ? remainder + modulus : remainder;
    }
}

/// <summary>
/// PIL Image.transform(size, AFFINE, matrix, resample, fillcolor) for same-size output. Output pixels whose source
/// falls outside the input keep the fill value.
/// </summary>
internal static class PilAffine
{
    /// <summary>
    /// NEAREST resampling. PIL has two paths and both are reproduced: a matrix without shear terms (b = d = 0, e.g. a
    /// translation) steps the source position in doubles and truncates (negative = outside); any other matrix steps
    /// it in 16.16 fixed point, each coefficient rounded to 1/65536. (PIL falls back to doubles for images wider or
    /// taller than 32767 pixels; this code keeps fixed point, in 64 bits, for them.)
    /// </summary>
    public static RawImage Nearest(RawImage image, AffineMatrix m, byte fill, ImageBuffers buffers)
    {
        RawImage result = buffers.RentLike(image);
        result.PixelSpan().Fill(fill);
        if (m.B == 0 && m.D == 0) CopyNearestWithoutShear(image, m, result);
        else CopyNearestInFixedPoint(image, m, result);
        return result;
    }

    /// <summary>
    /// BICUBIC resampling as PIL's generic transform does it: the Keys cubic with a = -1 on the 4x4 neighbourhood
    /// (edge pixels repeated), in double precision, then clipped to [0, 255] and truncated.
    /// </summary>
    public static RawImage Bicubic(RawImage image, AffineMatrix m, byte fill, ImageBuffers buffers)
    {
        RawImage result = buffers.RentLike(image);
        Span<byte> output = result.PixelSpan();
        int channels = image.Channels;
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
        {
            double centreX = x + 0.5, centreY = y + 0.5;
            double sourceX = m.A * centreX + m.B * centreY + m.C;
            double sourceY = m.D * centreX + m.E * centreY + m.F;
            Span<byte> pixel = output.Slice((y * image.Width + x) * channels, channels);
            if (sourceX < 0 || sourceX >= image.Width || sourceY < 0 || sourceY >= image.Height)
                pixel.Fill(fill);
            else
                for (int c = 0; c < channels; c++) pixel[c] = SampleBicubic(image, c, sourceX - 0.5, sourceY - 0.5);
        }
        return result;
    }

    private static void CopyNearestWithoutShear(RawImage image, AffineMatrix m, RawImage result)
    {
        int[] sourceColumns = new int[image.Width];
        double sourceX = m.C + m.A * 0.5;
        for (int x = 0; x < image.Width; x++, sourceX += m.A) sourceColumns[x] = IndexOrOutside(sourceX, image.Width);
        double sourceY = m.F + m.E * 0.5;
        for (int y = 0; y < image.Height; y++, sourceY += m.E)
        {
            int sourceRow = IndexOrOutside(sourceY, image.Height);
            if (sourceRow < 0) continue;
            for (int x = 0; x < image.Width; x++)
                if (sourceColumns[x] >= 0) CopyPixel(image, sourceRow, sourceColumns[x], result, y, x);
        }
    }

    private static int IndexOrOutside(double coordinate, int size) =>
        coordinate < 0 || coordinate >= size ? -1 : (int)coordinate;

    private static void CopyNearestInFixedPoint(RawImage image, AffineMatrix m, RawImage result)
    {
        long a = ToFixed(m.A), b = ToFixed(m.B), d = ToFixed(m.D), e = ToFixed(m.E);
        long rowStartX = ToFixed(m.C + m.B * 0.5 + m.A * 0.5), rowStartY = ToFixed(m.F + m.E * 0.5 + m.D * 0.5);
        for (int y = 0; y < image.Height; y++, rowStartX += b, rowStartY += e)
        {
            long sourceX = rowStartX, sourceY = rowStartY;
            for (int x = 0; x < image.Width; x++, sourceX += a, sourceY += d)
            {
                long column = sourceX >> 16, row = sourceY >> 16;
                if (column >= 0 && column < image.Width && row >= 0 && row < image.Height)
                    CopyPixel(image, (int)row, (int)column, result, y, x);
            }
        }
    }

    private static long ToFixed(double value) => (long)Math.Floor(value * 65536.0 + 0.5);

    private static void CopyPixel(RawImage source, int sourceY, int sourceX, RawImage target, int y, int x)
    {
        int channels = source.Channels;
        source.Pixels.AsSpan((sourceY * source.Width + sourceX) * channels, channels)
            .CopyTo(target.Pixels.AsSpan((y * target.Width + x) * channels, channels));
    }

    /// <summary>Bicubic value of channel <paramref name="c"/> at (x, y) in pixel-index coordinates.</summary>
    private static byte SampleBicubic(RawImage image, int c, double x, double y)
    {
        int left = (int)Math.Floor(x) - 1, top = (int)Math.Floor(y) - 1;
        double dx = x - (left + 1), dy = y - (top + 1);
        Span<double> rowValues = stackalloc double[4], samples = stackalloc double[4];
        for (int row = 0; row < 4; row++)
        {
            int sourceY = Math.Clamp(top + row, 0, image.Height - 1);
            for (int column = 0; column < 4; column++)
                samples[column] = image[sourceY, Math.Clamp(left + column, 0, image.Width - 1), c];
            rowValues[row] = Cubic(samples, dx);
        }
        double value = Cubic(rowValues, dy);
        return value <= 0 ? (byte)0 : value >= 255 ? (byte)255 : (byte)value;
    }

    /// <summary>Cubic through four samples at -1, 0, 1, 2 evaluated at d in [0, 1), in PIL's Horner form.</summary>
    private static double Cubic(ReadOnlySpan<double> v, double d)
    {
        double p2 = -v[0] + v[2], p3 = 2 * (v[0] - v[1]) + v[2] - v[3], p4 = -v[0] + v[1] - v[2] + v[3];
        return v[1] + d * (p2 + d * (p3 + d * p4));
    }
}
