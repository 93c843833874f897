using Balms.Data.Transforms;

namespace Balms.Data;

/// <summary>
/// The splits one experiment uses. <see cref="Validation"/> is null for CIFAR-LT and Fashion-MNIST-LT, which (as in
/// the original) select the best epoch on the test split. <see cref="TrainIndices"/> are the chosen images of the
/// full training split (written to the run directory so the subset can be reproduced elsewhere).
/// <see cref="TestTransformKey"/> names the transform of <see cref="Test"/> (and <see cref="Validation"/>); checkpoints
/// record it so that prediction prepares images the same way.
/// </summary>
public sealed record ExperimentData(
    string DatasetName,
    ImageDataset Train,
    ImageDataset Test,
    TestTransformKey TestTransformKey,
    ImageDataset? Validation,
    IReadOnlyList<int> TrainIndices,
    IReadOnlyList<string> ClassNames,
    Func<int, ImageDataset>? MetaSetFactory = null)
{
    public int InputChannels => Train.Transform.OutputShape.Channels;
    public int ClassCount => Train.ClassCount;
    public ImageDataset SelectionSet => Validation ?? Test;
    public string SelectionSplit => Validation is null ? "test" : "val";
}
