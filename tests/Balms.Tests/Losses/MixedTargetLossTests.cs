using Balms.Configuration;
using Balms.Losses;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

/// <summary>The loss of mixed images, lambda * loss(y_a) + (1 - lambda) * loss(y_b), for every loss.</summary>
public class MixedTargetLossTests
{
    private static readonly long[] Counts = [40, 12, 3];
    private static readonly long[] First = [0, 1, 2, 0];
    private static readonly long[] Second = [2, 1, 0, 1];
    private const int Classes = 3;
    private const double Lambda = 0.3;

    public static TheoryData<string> Losses => new() { "softmax", "balanced_softmax", "logit_adjusted", "focal", "class_balanced", "ldam" };

    private static LongTailLoss Create(string type)
    {
        LossOptions options = type switch
        {
            "softmax" => new SoftmaxLossOptions(),
            "balanced_softmax" => new BalancedSoftmaxLossOptions(),
            "logit_adjusted" => new LogitAdjustedLossOptions { Tau = 1.5 },
            "focal" => new FocalLossOptions { Gamma = 2 },
            "class_balanced" => new ClassBalancedLossOptions { Beta = 0.99, Gamma = 1 },
            _ => new LdamLossOptions { DrwEpoch = 1 },
        };
        var loss = LongTailLoss.Create(options, new LossContext(Counts, Epochs: 1, new CosineHeadOptions()));
        loss.OnEpochStart(1);
        return loss;
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void TheMixedLossMixesTheLossesOfBothLabelsAndEqualLabelsGiveTheLossItself(string type)
    {
        using var loss = Create(type);
        using var logits = LossReference.Leaf(LossReference.RandomLogits(seed: 41, First.Length * Classes), Classes);
        using var first = tensor(First);
        using var second = tensor(Second);

        using var mixed = loss.Forward(logits, first, second, Lambda);
        using var same = loss.Forward(logits, first, first, Lambda);

        double a = loss.Forward(logits, first).item<double>(), b = loss.Forward(logits, second).item<double>();
        Assert.True(Math.Abs(a - b) > 0.05, "the labels must matter in this example");
        LossAssert.Close([Lambda * a + (1 - Lambda) * b], mixed, 1e-12);
        LossAssert.Close([a], same, 1e-12);
    }

    /// <summary>
    /// For the prior-shifted cross-entropies the mixed loss is cross-entropy against the mixed label lambda * e_a +
    /// (1 - lambda) * e_b, so its gradient is (softmax(z + tau log pi) - mixed label) / B: softmax at tau = 0, Balanced
    /// Softmax at tau = 1.
    /// </summary>
    [Theory]
    [InlineData("softmax", 0.0)]
    [InlineData("balanced_softmax", 1.0)]
    [InlineData("logit_adjusted", 1.5)]
    public void ThePriorShiftedGradientIsTheAdjustedSoftmaxMinusTheMixedLabel(string type, double tau)
    {
        double[] values = LossReference.RandomLogits(seed: 42, First.Length * Classes);
        using var loss = Create(type);
        using var logits = LossReference.Leaf(values, Classes);
        using var first = tensor(First);
        using var second = tensor(Second);

        loss.Forward(logits, first, second, Lambda).backward();

        double total = Counts.Sum();
        var expected = LossReference.Rows(values, Classes).SelectMany((row, i) =>
            LossReference.Softmax(row.Select((z, c) => z + tau * Math.Log(Counts[c] / total)).ToArray())
                .Select((p, c) => (p - Lambda * (c == First[i] ? 1 : 0) - (1 - Lambda) * (c == Second[i] ? 1 : 0)) / First.Length))
            .ToArray();
        LossAssert.Close(expected, logits.grad!, 1e-12);
    }
}
