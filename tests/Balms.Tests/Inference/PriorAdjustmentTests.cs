using Balms.Inference;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Inference;

public class PriorAdjustmentTests
{
    private const int Precision = 12;

    [Fact]
    public void OffsetsAreLogTargetMinusLogModelPrior()
    {
        double[] offsets = PriorAdjustment.LogitOffsets([0.5, 0.25, 0.25], PriorAdjustment.Uniform(3));

        Assert.Equal(Math.Log(1.5), offsets[0], Precision);
        Assert.Equal(Math.Log(0.75), offsets[1], Precision);
        Assert.Equal(Math.Log(0.75), offsets[2], Precision);
    }

    [Fact]
    public void AdjustedSoftmaxMatchesTheHandComputedPosterior()
    {
        // logits [1, 0, 0] + [ln 1.5, ln 0.75, ln 0.75]: exp gives [1.5e, 0.75, 0.75], so p0 = 1.5e / (1.5e + 1.5) = e / (e + 1).
        double[] offsets = PriorAdjustment.LogitOffsets([0.5, 0.25, 0.25], PriorAdjustment.Uniform(3));
        double[] p = TinyCheckpoint.Softmax(new[] { 1.0, 0.0, 0.0 }.Select((l, c) => l + offsets[c]).ToArray());

        Assert.Equal(Math.E / (Math.E + 1), p[0], Precision);
        Assert.Equal(0.5 / (Math.E + 1), p[1], Precision);
        Assert.Equal(0.5 / (Math.E + 1), p[2], Precision);
    }

    [Fact]
    public void AdjustingFromTrainToUniformDividesTheTrainingPriorOut()
    {
        // Identity: softmax(l + log u − log π) ∝ exp(l) / π.
        double[] logits = [0.3, -1.2, 2.0];
        double[] train = PriorAdjustment.Normalize([60, 30, 10], "counts");
        double[] offsets = PriorAdjustment.LogitOffsets(PriorAdjustment.Uniform(3), train);

        double[] adjusted = TinyCheckpoint.Softmax(logits.Select((l, c) => l + offsets[c]).ToArray());
        double[] unnormalised = logits.Select((l, c) => Math.Exp(l) / train[c]).ToArray();

        for (int c = 0; c < 3; c++) Assert.Equal(unnormalised[c] / unnormalised.Sum(), adjusted[c], Precision);
    }

    [Fact]
    public void WeightsAndCountsAreNormalised()
    {
        Assert.Equal([0.25, 0.75], PriorAdjustment.Normalize([2, 6], "test"));
        Assert.Equal([0.6, 0.3, 0.1], PriorAdjustment.ParseTarget("train", [60L, 30, 10]).Select(p => Math.Round(p, 12)));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], PriorAdjustment.ParseTarget("uniform", [1L, 2, 3, 4]));
    }

    /// <summary>
    /// Post-hoc logit adjustment (Menon et al.): a model of the training prior predicts with f_y(x) - tau log pi_y, which
    /// is the target prior pi^(1 - tau) divided by pi: --prior train^(1 - tau).
    /// </summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void ThePowerOfTheTrainingPriorIsPostHocLogitAdjustmentWithTau(double tau)
    {
        long[] counts = [60, 30, 10];
        double[] train = PriorAdjustment.ParseTarget("train", counts);
        string target = "train^" + (1 - tau).ToString(System.Globalization.CultureInfo.InvariantCulture);

        double[] offsets = PriorAdjustment.LogitOffsets(PriorAdjustment.ParseTarget(target, counts), train);

        // Offsets are -tau log pi_c up to one constant, which the softmax ignores.
        double[] expected = train.Select(p => -tau * Math.Log(p)).ToArray();
        for (int c = 1; c < 3; c++) Assert.Equal(expected[c] - expected[0], offsets[c] - offsets[0], Precision);
    }

    [Fact]
    public void APriorFileIsAJsonListOfWeightsPerClass()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("prior.json");
        File.WriteAllText(file, "[3, 1, 0]");

        Assert.Equal([0.75, 0.25, 0.0], PriorAdjustment.ParseTarget(file, [1L, 1, 1]));
        Assert.Equal(double.NegativeInfinity, PriorAdjustment.LogitOffsets([0.75, 0.25, 0.0], PriorAdjustment.Uniform(3))[2]);

        var wrongLength = Assert.Throws<BalmsException>(() => PriorAdjustment.ParseTarget(file, [1L, 1]));
        Assert.Contains("2 per-class weights", wrongLength.Message);
        File.WriteAllText(file, "{\"a\": 1}");
        Assert.Contains(file, Assert.Throws<BalmsException>(() => PriorAdjustment.ParseTarget(file, [1L, 1, 1])).Message);
        string missing = Assert.Throws<BalmsException>(() => PriorAdjustment.ParseTarget(temp.Combine("none.json"), [1L])).Message;
        Assert.StartsWith($"--prior {temp.Combine("none.json")}: no such file (expected uniform, train, train^P, or a JSON file", missing);
    }

    [Fact]
    public void InvalidPriorsAreRejected()
    {
        Assert.Throws<BalmsException>(() => PriorAdjustment.Normalize([1, -1], "x"));
        Assert.Throws<BalmsException>(() => PriorAdjustment.Normalize([0, 0], "x"));
        Assert.Throws<BalmsException>(() => PriorAdjustment.LogitOffsets([0.5, 0.5], [1.0, 0.0]));
        Assert.Throws<BalmsException>(() => PriorAdjustment.LogitOffsets([1.0], [0.5, 0.5]));
    }
}
