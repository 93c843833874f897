using Balms.Sampling.Meta;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

public class VectorAdamTests
{
    [Fact]
    public void MatchesTorchAdamOverSeveralSteps()
    {
        double[] start = [0.3, -1.2, 2.0];
        double[][] gradients = [[0.5, -2.0, 0.01], [0.4, 1.5, -0.02], [-0.1, 0.0, 3.0], [1e-4, -1e-4, 0.2]];
        const double learningRate = 0.01;

        var ours = start.ToArray();
        var adam = new VectorAdam(3, learningRate);
        foreach (var gradient in gradients)
            adam.Step(ours, gradient);

        using var parameter = new TorchSharp.Modules.Parameter(tensor(start, float64), requires_grad: true);
        using var reference = optim.Adam([parameter], lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        foreach (var gradient in gradients)
        {
            reference.zero_grad();
            parameter.grad = tensor(gradient, float64);
            reference.step();
        }

        var expected = parameter.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[i], ours[i], 1e-13);
        Assert.Equal(gradients.Length, adam.StepCount);
    }
}
