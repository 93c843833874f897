using Balms.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Tests.Training;

public class SgdMomentumTests
{
    [Fact]
    public void TwoStepsMatchTheHandComputedUpdate()
    {
        var parameter = new Parameter(tensor(new double[] { 1.0, -2.0 }));
        var optimizer = new SgdMomentum([new SgdMomentum.Group("g", [("p", parameter)], 0.1)], momentum: 0.9, weightDecay: 0.01);
        double[] p = [1.0, -2.0], m = new double[2];
        double[][] grads = [[0.5, 0.25], [-1.0, 2.0]];
        bool first = true;
        foreach (var g in grads)
        {
            parameter.grad = tensor(g);
            optimizer.Step(_ => 0.1);
            for (int i = 0; i < 2; i++)
            {
                double d = g[i] + 0.01 * p[i];
                m[i] = first ? d : 0.9 * m[i] + d;
                p[i] -= 0.1 * m[i];
            }
            first = false;
        }
        var actual = parameter.data<double>().ToArray();
        Assert.Equal(p[0], actual[0], 12);
        Assert.Equal(p[1], actual[1], 12);
        Assert.Equal(m[0], optimizer.MomentumOf("g", "p")!.data<double>()[0], 12);
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var frozen = new Parameter(tensor(new double[] { 3.0 }));
        var optimizer = new SgdMomentum([new SgdMomentum.Group("g", [("p", frozen)], 0.1)], 0.9, 0.5);
        optimizer.Step(_ => 0.1);
        Assert.Equal(3.0, frozen.data<double>()[0]);
        Assert.Null(optimizer.MomentumOf("g", "p"));
    }

    [Theory]
    [InlineData("g", "q")]
    [InlineData("h", "p")]
    public void MomentumOfANameOutsideTheOptimiserThrows(string group, string parameter)
    {
        var optimizer = new SgdMomentum([new SgdMomentum.Group("g", [("p", new Parameter(tensor(new double[] { 1.0 })))], 0.1)], 0.9, 0);
        var error = Assert.Throws<ArgumentException>(() => optimizer.MomentumOf(group, parameter));
        Assert.Contains($"'{parameter}'", error.Message);
    }
}
