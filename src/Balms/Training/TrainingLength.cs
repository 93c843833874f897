namespace Balms.Training;

/// <summary>
/// Epoch and step counts derived as the original does: an iteration budget becomes
/// ceil(iterations / loaderLength) epochs, where loaderLength is what PyTorch's len(loader) would be for the chosen
/// sampler, while every epoch runs floor(N / batch) steps (the last partial batch is dropped).
/// </summary>
public sealed record TrainingLength(int Epochs, int StepsPerEpoch, int WarmupEpochs)
{
    public int TotalSteps => Epochs * StepsPerEpoch;

    public static TrainingLength Resolve(int? iterations, int? epochs, int loaderLength, int stepsPerEpoch,
        int warmupIterations)
    {
        if (stepsPerEpoch < 1)
            throw new BalmsException(
                $"the training set is smaller than one batch ({loaderLength} batches); lower 'training.batch_size'");
        int totalEpochs = epochs ?? CeilDiv(iterations!.Value, loaderLength);
        return new TrainingLength(totalEpochs, stepsPerEpoch, CeilDiv(warmupIterations, loaderLength));
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
