using Balms.Tests.Fixtures;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

internal static class LossAssert
{
    public static void Close(double[] expected, Tensor actual, double tolerance) =>
        Numeric.AssertClose(expected, Numeric.Values(actual), tolerance);

    public static double ToleranceFor(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-12 : 1e-6;
}
