using Balms.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class SoftmaxCrossEntropyTests
{
    [Fact]
    public void MeanLossAndItsGradientMatchHandComputation()
    {
        // Row 0: softmax [1, 2, 3]/6, label 0 costs ln 6. Row 1: softmax [5, 1, 1]/7, label 2 costs ln 7.
        using var logits = tensor(new[] { 0, Math.Log(2), Math.Log(3), Math.Log(5), 0, 0 }).reshape(2, 3)
            .requires_grad_(true);
        using var targets = tensor(new long[] { 0, 2 });
        var loss = new SoftmaxCrossEntropy();

        using var perSample = loss.PerSample(logits, targets);
        using var mean = loss.Forward(logits, targets);
        mean.backward();

        LossAssert.Close([Math.Log(6), Math.Log(7)], perSample, 1e-12);
        LossAssert.Close([(Math.Log(6) + Math.Log(7)) / 2], mean, 1e-12);
        // (softmax − one-hot) / B
        double[] expectedGradient =
        [
            (1.0 / 6 - 1) / 2, (2.0 / 6) / 2, (3.0 / 6) / 2,
            (5.0 / 7) / 2, (1.0 / 7) / 2, (1.0 / 7 - 1) / 2,
        ];
        LossAssert.Close(expectedGradient, logits.grad!, 1e-12);
    }
}
