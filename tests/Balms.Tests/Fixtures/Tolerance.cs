namespace Balms.Tests.Fixtures;

/// <summary>Compares sequences of doubles element by element, equal when they differ by less than epsilon.</summary>
public sealed class Tolerance(double epsilon) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) < epsilon;
    public int GetHashCode(double value) => 0;
}
