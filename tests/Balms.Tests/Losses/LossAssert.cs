using static TorchSharp.torch;

namespace Balms.Tests.Losses;

internal static class LossAssert
{
    public static void Close(double[] expected, Tensor actual, double tolerance)
    {
        double[] values = actual.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    public static double ToleranceFor(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-12 : 1e-6;
}
