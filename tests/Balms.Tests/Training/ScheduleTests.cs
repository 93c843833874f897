using Balms.Configuration;
using Balms.Training;

namespace Balms.Tests.Training;

public class ScheduleTests
{
    [Theory]
    // CIFAR-10-LT IF200 (N 11,203, B 512): the numbers the original ends up with (reference section 7.2).
    [InlineData(13000, 22, 21, 800, 591, 37)] // stage 1, plain loader: len = ceil(N/B) = 22
    [InlineData(2000, 22, 21, 0, 91, 0)]      // decoupled Balanced Softmax
    [InlineData(2000, 21, 21, 0, 96, 0)]      // BALMS: the Meta Sampler's len is N // B
    [InlineData(13000, 19, 18, 800, 685, 43)] // CIFAR-100-LT stage 1
    public void IterationBudgetsConvertLikeTheOriginal(int iterations, int loaderLength, int stepsPerEpoch,
        int warmupIterations, int expectedEpochs, int expectedWarmup)
    {
        var length = TrainingLength.Resolve(iterations, null, loaderLength, stepsPerEpoch, warmupIterations);
        Assert.Equal(expectedEpochs, length.Epochs);
        Assert.Equal(expectedWarmup, length.WarmupEpochs);
        Assert.Equal(expectedEpochs * stepsPerEpoch, length.TotalSteps);
    }

    [Fact]
    public void CosineIsSteppedAtEpochStartAndEndsAtEndLr()
    {
        var schedule = new LearningRateSchedule(new CosineScheduleOptions(), totalEpochs: 4, warmupEpochs: 0);
        Assert.Equal(0.1 * (1 + Math.Cos(Math.PI / 4)) / 2, schedule.LearningRate(1, 0.1), 12);
        Assert.Equal(0.05, schedule.LearningRate(2, 0.1), 12);
        Assert.Equal(0.0, schedule.LearningRate(4, 0.1), 12);
    }

    [Fact]
    public void StepDividesTheRateByTenEveryStepEpochsCountedFromTheEpochStart()
    {
        var schedule = new LearningRateSchedule(new StepScheduleOptions { StepEpochs = 10, Gamma = 0.1 }, totalEpochs: 30, warmupEpochs: 0);

        // PyTorch's StepLR stepped at each epoch's start: last_epoch = e, rate lr·γ^⌊e/10⌋.
        Assert.Equal(0.01, schedule.LearningRate(1, 0.01), 12);
        Assert.Equal(0.01, schedule.LearningRate(9, 0.01), 12);
        Assert.Equal(0.001, schedule.LearningRate(10, 0.01), 12);
        Assert.Equal(0.0001, schedule.LearningRate(29, 0.01), 12);
        Assert.Equal(0.0001, schedule.LearningRate(30, 0.1), 12);
    }

    [Fact]
    public void WarmupCosineRampsLinearlyThenDecays()
    {
        var options = new WarmupCosineScheduleOptions { BaseLr = 0.05, WarmupLr = 0.1 };
        var schedule = new LearningRateSchedule(options, totalEpochs: 10, warmupEpochs: 3);
        Assert.Equal(0.05, schedule.LearningRate(1, 0.05), 12);
        Assert.Equal(0.075, schedule.LearningRate(2, 0.05), 12);
        Assert.Equal(0.1, schedule.LearningRate(3, 0.05), 12);   // e = W: cosine at angle 0
        Assert.Equal(0.1 * (1 + Math.Cos(Math.PI * 3 / 7)) / 2, schedule.LearningRate(6, 0.05), 12);
        Assert.Equal(0.0, schedule.LearningRate(10, 0.05), 12);
        // A group configured with twice the base rate is scaled accordingly.
        Assert.Equal(0.2, schedule.LearningRate(3, 0.1), 12);
    }

    [Fact]
    public void WarmupLongerThanTrainingIsAConfigError()
    {
        var error = Assert.Throws<ConfigException>(() => new LearningRateSchedule(new WarmupCosineScheduleOptions(), totalEpochs: 3, warmupEpochs: 5));
        Assert.Contains("warmup", error.Message);
    }
}
