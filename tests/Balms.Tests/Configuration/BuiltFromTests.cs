using Balms.Configuration;
using Balms.Losses;
using Balms.Models;

namespace Balms.Tests.Configuration;

public class BuiltFromTests
{
    public static TheoryData<Type, Type> Registries => new()
    {
        { typeof(LossOptions), typeof(LongTailLoss) },
        { typeof(HeadOptions), typeof(ClassifierHead) },
    };

    [Theory]
    [MemberData(nameof(Registries))]
    public void EveryConfigVariantHasTheClassItBuilds(Type options, Type built)
    {
        var implementations = (IReadOnlyDictionary<Type, Type>)typeof(BuiltFrom).GetMethod(nameof(BuiltFrom.Implementations))!
            .MakeGenericMethod(built).Invoke(null, null)!;

        var variants = ConfigBinder.Variants(options).Values.ToList();

        Assert.NotEmpty(variants);
        Assert.All(variants, variant => Assert.True(implementations.ContainsKey(variant), $"no {built.Name} is built from {variant.Name}"));
    }

    [Fact]
    public void TheConstructorsOwnErrorComesThroughUnwrapped()
    {
        var error = Assert.Throws<BalmsException>(() =>
            LongTailLoss.Create(new BalancedSoftmaxLossOptions(), new LossContext([5, 0, 2], Epochs: 3)));

        Assert.Contains("class 1 has 0 training samples", error.Message);
    }

    [Fact]
    public void EachOptionsRecordBuildsItsOwnClass()
    {
        using var softmax = LongTailLoss.Create(new SoftmaxLossOptions(), new LossContext([3, 1], Epochs: 1));
        using var balanced = LongTailLoss.Create(new BalancedSoftmaxLossOptions(), new LossContext([3, 1], Epochs: 1));

        Assert.IsType<SoftmaxCrossEntropy>(softmax);
        Assert.IsType<BalancedSoftmax>(balanced);
    }

    [Fact]
    public void AHeadRecordSurvivesTheCheckpointRoundTrip()
    {
        var recorded = new LinearHeadOptions().ToRecord();

        Assert.IsType<LinearHeadOptions>(HeadOptions.FromRecord(recorded, "test.safetensors"));
        Assert.IsType<LinearHeadOptions>(HeadOptions.FromRecord(null, "old.safetensors"));
        var error = Assert.Throws<BalmsException>(() => HeadOptions.FromRecord("type: hyperbolic\n", "odd.safetensors"));
        Assert.Contains("odd.safetensors", error.Message);
        Assert.Contains("hyperbolic", error.Message);
    }
}
