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
    public void EverySubPolicyKeepsTheImageSizeAndLeavesItsInputAlone(int number)
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

    /// <summary>
    /// What each operation at magnitude index 7 (7/9 of each range) may produce, written from its name: the PIL
    /// operation it stands for, with either random sign where it has one. (At index 9 Solarize's threshold 0 would
    /// make it Invert.)
    /// </summary>
    private static Dictionary<AutoAugmentOperation, byte[][]> OutcomesAtIndex7(RawImage image)
    {
        const double share = 7.0 / 9, shear = 0.3 * share, factorOffset = 0.9 * share;
        double shift = 150.0 / 331 * share * image.Width;
        byte[][] EitherSign(Func<int, ImageBuffers, RawImage> operation) => [Run(b => operation(-1, b)), Run(b => operation(1, b))];
        byte[][] Enhanced(Enhancement enhancement) => EitherSign((sign, b) => PilEnhance.Enhance(image, enhancement, 1 + sign * factorOffset, b));
        return new()
        {
            [Invert] = [Run(b => PilPointOps.Invert(image, b))],
            [AutoContrast] = [Run(b => PilPointOps.AutoContrast(image, b))],
            [Equalize] = [Run(b => PilPointOps.Equalize(image, b))],
            [Posterize] = [Run(b => PilPointOps.Posterize(image, 5, b))], // round(8 - 4 * 7/9)
            [Solarize] = [Run(b => PilPointOps.Solarize(image, 256 * (1 - share), b))],
            [Color] = Enhanced(Enhancement.Color),
            [Contrast] = Enhanced(Enhancement.Contrast),
            [Brightness] = Enhanced(Enhancement.Brightness),
            [Sharpness] = Enhanced(Enhancement.Sharpness),
            [ShearX] = EitherSign((sign, b) => PilAffine.Bicubic(image, new AffineMatrix(1, sign * shear, 0, 0, 1, 0), 128, b)),
            [ShearY] = EitherSign((sign, b) => PilAffine.Bicubic(image, new AffineMatrix(1, 0, 0, sign * shear, 1, 0), 128, b)),
            [TranslateX] = EitherSign((sign, b) => PilAffine.Nearest(image, AffineMatrix.Translation(sign * shift, 0), 128, b)),
            [TranslateY] = EitherSign((sign, b) => PilAffine.Nearest(image, AffineMatrix.Translation(0, sign * shift), 128, b)),
            [Rotate] = [Run(b => PilAffine.Nearest(image, AffineMatrix.Rotation(30 * share, image.Width, image.Height), 128, b))],
        };
    }

    [Fact]
    public void EveryOperationIsThePilOperationOfItsName()
    {
        var image = Noise(12, 12, 3, seed: 3);
        var outcomes = OutcomesAtIndex7(image);
        Assert.Equal(Enum.GetValues<AutoAugmentOperation>().Order(), outcomes.Keys.Order());
        foreach (var operation in outcomes.Keys)
        for (int seed = 0; seed < 4; seed++)
        {
            byte[] result = Run(b => AutoAugmentOperations.Apply(operation, 7, image, new Random(seed), b));
            // Its own outcomes only: a swapped pair of operations (say Color and Contrast) matches the other's.
            var matches = outcomes.Where(o => o.Value.Any(result.SequenceEqual)).Select(o => o.Key).ToList();
            Assert.Equal([operation], matches);
        }
    }

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
