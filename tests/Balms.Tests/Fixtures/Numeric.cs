using static TorchSharp.torch;

namespace Balms.Tests.Fixtures;

/// <summary>Numeric helpers shared by the tests of the losses and of the Meta Sampler.</summary>
internal static class Numeric
{
    /// <summary>A float64 tensor of the given shape, uniform in [-1, 1), drawn from <paramref name="random"/>.</summary>
    public static Tensor RandomTensor(Random random, params long[] shape)
    {
        var values = new double[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
            values[i] = 2 * random.NextDouble() - 1;
        return tensor(values, float64).reshape(shape);
    }

    public static double LogSigmoid(double w) => -Math.Log(1 + Math.Exp(-w));

    /// <summary>A tensor's values as doubles.</summary>
    public static double[] Values(Tensor values) => values.detach().to_type(ScalarType.Float64).data<double>().ToArray();

    /// <summary>|expected - actual| at most <paramref name="tolerance"/> everywhere; a failure names the element.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
