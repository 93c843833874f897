using Balms.Data;
using Balms.Data.Transforms;
using static Balms.Data.Transforms.AutoAugmentOperation;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class CifarAutoAugmentTests
{
    public static TheoryData<int> SubPolicyNumbers => new(Enumerable.Range(0, 25));

    [Fact]
    public void PolicyHas25SubPoliciesFromTheTable()
    {
        var policies = CifarAutoAugment.SubPolicies;
        Assert.Equal(25, policies.Count);
        Assert.Equal(new CifarAutoAugment.SubPolicy(0.1, Invert, 7, 0.2, Contrast, 6), policies[0]);
        Assert.Equal(new CifarAutoAugment.SubPolicy(0.5, Solarize, 2, 0.0, Invert, 3), policies[14]);
        Assert.Equal(new CifarAutoAugment.SubPolicy(0.7, TranslateY, 9, 0.9, AutoContrast, 1), policies[24]);
    }

    [Theory]
    [MemberData(nameof(SubPolicyNumbers))]
    public void EverySubPolicyRunsBothOperationsAndKeepsTheImageSize(int number)
    {
        var always = CifarAutoAugment.SubPolicies[number] with { Probability1 = 1, Probability2 = 1 };
        var image = Noise(32, 32, 3, seed: number);
        byte[] before = image.Pixels.ToArray();
        for (int seed = 0; seed < 4; seed++)
        {
            using var buffers = new ImageBuffers();
            RawImage result = CifarAutoAugment.ApplySubPolicy(always, image, new Random(seed), buffers);
            Assert.Equal((32, 32, 3), (result.Height, result.Width, result.Channels));
        }
        Assert.Equal(before, image.Pixels);
    }

    [Fact]
    public void OperationsWithProbabilityZeroNeverRun()
    {
        var never = CifarAutoAugment.SubPolicies[0] with { Probability1 = 0, Probability2 = 0 };
        var image = Noise(8, 8, 3, seed: 1);
        using var buffers = new ImageBuffers();
        Assert.Same(image, CifarAutoAugment.ApplySubPolicy(never, image, new Random(0), buffers));
    }

    [Theory]
    [InlineData(nameof(ShearX), 3, 0.1)]
    [InlineData(nameof(ShearY), 9, 0.3)]
    [InlineData(nameof(TranslateX), 9, 150.0 / 331)]
    [InlineData(nameof(TranslateY), 3, 50.0 / 331)]
    [InlineData(nameof(Rotate), 2, 20.0 / 3)]
    [InlineData(nameof(Color), 9, 0.9)]
    [InlineData(nameof(Sharpness), 1, 0.1)]
    [InlineData(nameof(Solarize), 0, 256.0)]
    [InlineData(nameof(Solarize), 2, 256 - 512.0 / 9)]
    [InlineData(nameof(Solarize), 9, 0.0)]
    public void MagnitudesFollowTheLinearRanges(string operation, int index, double expected) =>
        Assert.Equal(expected, AutoAugmentOperations.Magnitude(Enum.Parse<AutoAugmentOperation>(operation), index), 1e-12);

    [Fact]
    public void PosterizeBitsRoundTheRangeFrom8To4()
    {
        int[] bits = Enumerable.Range(0, 10).Select(k => (int)Math.Round(AutoAugmentOperations.Magnitude(Posterize, k))).ToArray();
        Assert.Equal(new[] { 8, 8, 7, 7, 6, 6, 5, 5, 4, 4 }, bits);
    }

    [Fact]
    public void TranslateXShiftsByFifteenPixelsEitherWay()
    {
        // 150/331 * 32 = 14.50 pixels: the centre x + 0.5 + 14.50 falls in pixel x + 15, and x + 0.5 - 14.50 in
        // pixel x - 15 (the rest is grey 128).
        var image = Grey(1, 32, Enumerable.Range(100, 32).Select(v => (byte)v).ToArray());
        byte[] left = Enumerable.Range(0, 32).Select(x => x + 15 < 32 ? image.Pixels[x + 15] : (byte)128).ToArray();
        byte[] right = Enumerable.Range(0, 32).Select(x => x - 15 >= 0 ? image.Pixels[x - 15] : (byte)128).ToArray();
        var outcomes = new HashSet<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            byte[] shifted = Run(b => AutoAugmentOperations.Apply(TranslateX, 9, image, new Random(seed), b));
            Assert.True(shifted.SequenceEqual(left) || shifted.SequenceEqual(right));
            outcomes.Add(shifted.SequenceEqual(left) ? "left" : "right");
        }
        Assert.Equal(2, outcomes.Count);
    }

    [Fact]
    public void EnhanceMagnitudeGivesAFactorOneAboveOrBelowOne()
    {
        // Brightness at index 5: factor 1.5 or 0.5 on a uniform 100 image -> 150 or 50.
        var image = Filled(2, 2, 3, 100);
        var values = Enumerable.Range(0, 20)
            .Select(seed => Run(b => AutoAugmentOperations.Apply(Brightness, 5, image, new Random(seed), b))[0])
            .ToHashSet();
        Assert.Equal(new HashSet<byte> { 50, 150 }, values);
    }
}
