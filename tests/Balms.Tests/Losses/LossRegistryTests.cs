using Balms.Losses;

namespace Balms.Tests.Losses;

public class LossRegistryTests
{
    [Theory]
    [InlineData("softmax", typeof(SoftmaxCrossEntropy))]
    [InlineData("balanced_softmax", typeof(BalancedSoftmax))]
    [InlineData("Balanced_Softmax", typeof(BalancedSoftmax))]
    public void CreatesTheNamedLoss(string name, Type expectedType)
    {
        var loss = LossRegistry.Create(name, [10, 5, 1]);

        Assert.IsType(expectedType, loss);
        (loss as IDisposable)?.Dispose();
    }

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var error = Assert.Throws<BalmsException>(() => LossRegistry.Create("focal", [10, 5, 1]));

        Assert.Contains("focal", error.Message);
        Assert.Contains("softmax", error.Message);
        Assert.Contains("balanced_softmax", error.Message);
    }

    [Fact]
    public void BalancedSoftmaxCountsAreValidated()
    {
        Assert.Throws<BalmsException>(() => LossRegistry.Create("balanced_softmax", [10, 0, 1]));
    }
}
