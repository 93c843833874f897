using Balms.Data.LongTail;

namespace Balms.Tests.Data.LongTail;

public class SubsetSourceTests
{
    [Fact]
    public void Samples_come_from_the_base_at_the_given_indices()
    {
        var source = new LabelOnlySource([2, 0, 1, 1, 0], classCount: 3);

        var subset = new SubsetSource(source, [4, 0, 3]);

        Assert.Equal(3, subset.Count);
        Assert.Equal([0, 2, 1], subset.Labels);
        Assert.Equal([4, 0, 3], subset.BaseIndices);
        Assert.Equal(4, subset.Read(0).Pixels[0]);
        Assert.Equal(3, subset.Read(2).Pixels[0]);
        Assert.Equal("sample 0", subset.Describe(1));
        Assert.Equal(3, subset.ClassCount);
        Assert.Equal(source.ClassNames, subset.ClassNames);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void Index_outside_the_base_is_refused(int index)
    {
        var source = new LabelOnlySource([2, 0, 1, 1, 0], classCount: 3);

        var error = Assert.Throws<BalmsException>(() => new SubsetSource(source, [0, index]));
        Assert.Contains($"subset index {index}", error.Message);
    }
}
