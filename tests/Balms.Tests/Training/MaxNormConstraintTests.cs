using Balms.Configuration;
using Balms.Models;
using Balms.Tests.Fixtures;
using Balms.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Training;

public class MaxNormConstraintTests
{
    /// <summary>A linear head whose class weight vectors have the norms 1, 5, 3 (rows (1, 0), (3, 4), (0, -3)) and bias 7.</summary>
    private static LinearClassifier Head()
    {
        var head = new LinearClassifier(featureDim: 2, numClasses: 3);
        using var noGrad = no_grad();
        using var weights = tensor(new float[] { 1, 0, 3, 4, 0, -3 }).reshape(3, 2);
        head.Weight.copy_(weights);
        head.Bias.fill_(7);
        return head;
    }

    [Fact]
    public void TheRadiusLiesThresholdOfTheWayFromTheSmallestNormToTheLargest()
    {
        using var head = Head();

        Assert.Equal(1 + 0.25 * (5 - 1), MaxNormConstraint.For(head, new MaxNormOptions { Threshold = 0.25 }).Radius, 6);
        Assert.Equal(1, MaxNormConstraint.For(head, new MaxNormOptions { Threshold = 0 }).Radius, 6);
        Assert.Equal(5, MaxNormConstraint.For(head, new MaxNormOptions { Threshold = 1 }).Radius, 6);
    }

    [Fact]
    public void WeightsLongerThanTheRadiusAreScaledOntoTheBallAndTheRestIsUntouched()
    {
        using var head = Head();
        var constraint = MaxNormConstraint.For(head, new MaxNormOptions { Threshold = 0.25 }); // radius 2

        constraint.Project();

        // (1, 0) stays; (3, 4) of norm 5 becomes 2/5 of itself; (0, -3) of norm 3 becomes 2/3 of itself; bias free.
        Numeric.AssertClose([1, 0, 1.2, 1.6, 0, -2], Numeric.Values(head.Weight), 1e-6);
        Numeric.AssertClose([7, 7, 7], Numeric.Values(head.Bias), 0);
        // The radius is the stage's start's: a projection later keeps it, and projected weights stay put.
        constraint.Project();
        Numeric.AssertClose([1, 0, 1.2, 1.6, 0, -2], Numeric.Values(head.Weight), 1e-6);
    }

    [Fact]
    public void OnlyTheLinearHeadIsConstrained()
    {
        using var cosine = new CosineClassifier(new CosineHeadOptions(), featureDim: 2, numClasses: 3);

        var error = Assert.Throws<BalmsException>(() => MaxNormConstraint.For(cosine, new MaxNormOptions()));

        Assert.Contains("linear classifier", error.Message);
    }
}
