using System.Numerics;

namespace Balms.Sampling.Meta;

/// <summary>
/// Exp(1) random numbers for <see cref="Width"/> batch rows at once, one independent stream per row: lane k belongs
/// to row firstRow + k and is seeded from (seed, that row) alone, so a row's numbers do not depend on the vector width
/// of the machine, on which other rows share its vector, or on the thread that runs it. Each lane is a xoshiro128+
/// generator; its top 23 bits give U = (2k + 1)·2⁻²⁴, strictly inside (0, 1), and the number is −log U in float32 (as
/// the original's Gumbel noise), from a logarithm written out here so that every machine computes the same bits: IEEE
/// additions, multiplications and divisions only, no fused multiply-add.
/// </summary>
internal struct ExponentialLanes
{
    private const float Ln2 = 0.693147180559945309f;
    private const float Sqrt2 = 1.41421356237309505f;
    private const int MantissaBits = 23;
    private const int ExponentBias = 127;

    private Vector<uint> s0, s1, s2, s3;

    public ExponentialLanes(ulong seed, int firstRow)
    {
        Span<uint> state = stackalloc uint[4 * Width];
        for (int lane = 0; lane < Width; lane++)
        {
            // Two outputs of SplitMix64 keyed by (seed, row) fill the lane's 128 bits of state; xoshiro needs them not
            // all zero, which two consecutive SplitMix64 outputs never are.
            ulong key = Seeds.SplitMix(seed ^ Seeds.SplitMix((ulong)(firstRow + lane)));
            ulong first = Seeds.SplitMix(key), second = Seeds.SplitMix(first);
            state[lane] = (uint)first;
            state[Width + lane] = (uint)(first >> 32);
            state[2 * Width + lane] = (uint)second;
            state[3 * Width + lane] = (uint)(second >> 32);
        }
        s0 = new Vector<uint>(state[..Width]);
        s1 = new Vector<uint>(state.Slice(Width, Width));
        s2 = new Vector<uint>(state.Slice(2 * Width, Width));
        s3 = new Vector<uint>(state.Slice(3 * Width, Width));
    }

    /// <summary>Rows served at once: the machine's float vector length.</summary>
    public static int Width => Vector<float>.Count;

    /// <summary>The next Exp(1) number of every lane's row, in (0, 16.7).</summary>
    public Vector<float> Next()
    {
        var bits = s0 + s3;
        var shifted = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= shifted;
        s3 = (s3 << 11) | (s3 >> 21);

        var odd = Vector.AsVectorInt32(((bits >> (32 - MantissaBits)) << 1) | Vector<uint>.One);
        var uniform = Vector.ConvertToSingle(odd) * new Vector<float>(1f / (1 << (MantissaBits + 1)));
        return -Log(uniform);
    }

    /// <summary>
    /// Natural logarithm of positive normal floats: u = 2^e·m with m in [√½, √2), and log m = 2 atanh t with
    /// t = (m − 1)/(m + 1), |t| ≤ 0.172, summed to t⁹ (the next term is below 3e−9 of the result, under float32's
    /// resolution).
    /// </summary>
    internal static Vector<float> Log(Vector<float> u)
    {
        var bits = Vector.AsVectorInt32(u);
        var exponent = (bits >> MantissaBits) - new Vector<int>(ExponentBias);
        var mantissa = Vector.AsVectorSingle((bits & new Vector<int>((1 << MantissaBits) - 1)) | new Vector<int>(ExponentBias << MantissaBits));
        var aboveSqrt2 = Vector.GreaterThanOrEqual(mantissa, new Vector<float>(Sqrt2));
        mantissa = Vector.ConditionalSelect(aboveSqrt2, mantissa * new Vector<float>(0.5f), mantissa);
        exponent -= aboveSqrt2; // the mask is −1 where the mantissa was halved
        var t = (mantissa - Vector<float>.One) / (mantissa + Vector<float>.One);
        var t2 = t * t;
        var series = new Vector<float>(1f / 9);
        series = series * t2 + new Vector<float>(1f / 7);
        series = series * t2 + new Vector<float>(1f / 5);
        series = series * t2 + new Vector<float>(1f / 3);
        series = series * t2 + Vector<float>.One;
        return Vector.ConvertToSingle(exponent) * new Vector<float>(Ln2) + (t + t) * series;
    }
}
