using System.Numerics;

namespace Balms.Sampling.Meta;

/// <summary>
/// A batch's noise sampled class by class, with the law of the original's B×N independent Exp(1) numbers. Among a
/// class's n_c numbers the smallest is Exp(n_c), i.e. X/n_c with X ~ Exp(1); it is equally likely to be at any of the
/// class's instances, independently of its value; and given it, the other n_c − 1 numbers are that minimum plus
/// independent Exp(1) numbers (memorylessness). So the hard draw takes one number per row and class (and a position
/// only where the row's chosen class needs it), but Σ 1/E still takes one number per instance: the sum has no
/// closed-form law to sample it from (1/E has no mean; its law is heavy-tailed, and depends on the minimum).
/// Those numbers are generated in float32 for <see cref="ExponentialLanes.Width"/> rows at once and summed in float64,
/// row groups spread over the cores. A row's numbers depend only on (seed, row), so a draw is the same on any machine,
/// thread count and vector width.
/// </summary>
internal sealed class ExponentialClassNoise(ulong seed) : IClassNoiseSource
{
    /// <summary>Keeps the positions' random numbers apart from the lanes' streams, which derive from the same seed.</summary>
    private const ulong PositionStream = 0x706F736974696F6E;

    public void Reduce(int rows, IReadOnlyList<int> classSizes, double[] minExponential, double[] reciprocalSum)
    {
        int width = ExponentialLanes.Width;
        Parallel.For(0, (rows + width - 1) / width, group =>
            ReduceRows(group * width, Math.Min(width, rows - group * width), classSizes, minExponential, reciprocalSum));
    }

    /// <summary>Uniform over the class's instances, from a hash of (seed, row, class) (bias below n_c / 2⁶⁴).</summary>
    public int MinimumPosition(int row, int @class, int classSize)
    {
        ulong bits = Seeds.SplitMix(Seeds.SplitMix(seed ^ PositionStream) ^ (((ulong)(uint)row << 32) | (uint)@class));
        return (int)Math.BigMul(bits, (ulong)classSize, out _);
    }

    /// <summary>Rows firstRow to firstRow + count − 1 (count ≤ the lane width), one class after the other.</summary>
    private void ReduceRows(int firstRow, int count, IReadOnlyList<int> classSizes, double[] minExponential, double[] reciprocalSum)
    {
        int classes = classSizes.Count, half = Vector<double>.Count;
        var noise = new ExponentialLanes(seed, firstRow);
        Span<double> minimum = stackalloc double[ExponentialLanes.Width];
        Span<double> sum = stackalloc double[ExponentialLanes.Width];
        for (int c = 0; c < classes; c++)
        {
            int size = classSizes[c];
            if (size == 0)
            {
                minimum.Fill(double.PositiveInfinity);
                sum.Clear();
            }
            else
            {
                Vector.Widen(noise.Next(), out var lowMinimum, out var highMinimum);
                lowMinimum = Vector.Divide(lowMinimum, (double)size);
                highMinimum = Vector.Divide(highMinimum, (double)size);
                var lowSum = Vector<double>.One / lowMinimum;
                var highSum = Vector<double>.One / highMinimum;
                for (int others = size - 1; others > 0; others--)
                {
                    Vector.Widen(noise.Next(), out var low, out var high);
                    lowSum += Vector<double>.One / (lowMinimum + low);
                    highSum += Vector<double>.One / (highMinimum + high);
                }
                lowMinimum.CopyTo(minimum);
                highMinimum.CopyTo(minimum[half..]);
                lowSum.CopyTo(sum);
                highSum.CopyTo(sum[half..]);
            }
            for (int lane = 0; lane < count; lane++)
            {
                minExponential[(firstRow + lane) * classes + c] = minimum[lane];
                reciprocalSum[(firstRow + lane) * classes + c] = sum[lane];
            }
        }
    }
}
