using Balms.Configuration;

namespace Balms.Training;

/// <summary>
/// Learning rate per epoch, as the original steps its schedulers: once at the start of each epoch, so epoch e
/// (1-based) trains with the rate for last_epoch = e. Cosine therefore reaches end_lr in the final epoch.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleOptions _options;
    private readonly int _totalEpochs;
    private readonly int _warmupEpochs;

    public LearningRateSchedule(ScheduleOptions options, int totalEpochs, int warmupEpochs)
    {
        _options = options;
        _totalEpochs = totalEpochs;
        _warmupEpochs = warmupEpochs;
        if (options is WarmupCosineScheduleOptions && (warmupEpochs < 2 || warmupEpochs >= totalEpochs))
            throw new ConfigException(
                $"warmup_cosine needs between 2 and {totalEpochs - 1} warmup epochs, but warmup_iterations gives {warmupEpochs} of {totalEpochs} epochs; shorten the warmup or use 'training.schedule.type: cosine'");
    }

    /// <summary>Learning rate of a parameter group whose configured rate is <paramref name="groupLr"/>.</summary>
    public double LearningRate(int epoch, double groupLr)
    {
        double endLr = _options.EndLr;
        switch (_options)
        {
            case CosineScheduleOptions:
                return endLr + (groupLr - endLr) * (1 + Math.Cos(Math.PI * epoch / _totalEpochs)) / 2;
            case WarmupCosineScheduleOptions warm:
                double scale = groupLr / warm.BaseLr;
                double lr = epoch < _warmupEpochs
                    ? warm.BaseLr + (warm.WarmupLr - warm.BaseLr) * (epoch - 1) / (_warmupEpochs - 1)
                    : endLr + (warm.WarmupLr - endLr) *
                      (1 + Math.Cos(Math.PI * (epoch - _warmupEpochs) / (_totalEpochs - _warmupEpochs))) / 2;
                return lr * scale;
            case StepScheduleOptions step:
                return groupLr * Math.Pow(step.Gamma, epoch / step.StepEpochs);
            default:
                throw new InvalidOperationException($"unknown schedule {_options.GetType().Name}");
        }
    }
}
