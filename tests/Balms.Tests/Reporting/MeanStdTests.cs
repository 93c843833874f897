using Balms.Reporting;

namespace Balms.Tests.Reporting;

public class MeanStdTests
{
    [Fact]
    public void SampleStandardDeviationDividesByNMinusOne()
    {
        // Mean of 1, 2, 4 is 7/3; squared deviations 16/9 + 1/9 + 25/9 = 42/9, divided by n - 1 = 2: 7/3.
        var result = MeanStd.Of([1.0, 2.0, 4.0])!.Value;
        Assert.Equal(7.0 / 3, result.Mean, 12);
        Assert.Equal(Math.Sqrt(7.0 / 3), result.Std!.Value, 12);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public void OneValueHasNoStandardDeviationAndNoValuesNoSummary()
    {
        Assert.Equal(new MeanStd(0.25, null, 1), MeanStd.Of([0.25, null]));
        Assert.Null(MeanStd.Of([null, null]));
    }
}
