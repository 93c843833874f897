namespace Balms.Training.Checkpoints;

/// <summary>The kinds of weights file <see cref="ModelWeights"/> reads.</summary>
public enum WeightsFormat
{
    /// <summary>Our training checkpoint: safetensors with a <see cref="CheckpointInfo"/> in its metadata.</summary>
    BalmsCheckpoint,

    /// <summary>Any other safetensors file (e.g. written by ./balms export or by Python's safetensors package).</summary>
    SafeTensors,

    /// <summary>A torch.save file (PyTorch ≥ 1.6 zip format), e.g. the original's final_model_checkpoint.pth.</summary>
    PyTorch,
}

/// <summary>What a weights file is and what it says about the weights in it.</summary>
/// <param name="Layout">Where in the file the weights were found, for the user.</param>
/// <param name="TensorCount">How many model tensors (feat_model.*, classifier.*) the file holds.</param>
/// <param name="Epoch">The epoch the weights come from, where the file records it.</param>
/// <param name="ClassCount">Rows of classifier.fc.weight, when the file holds a classifier.</param>
/// <param name="Checkpoint">The full description, for our own checkpoints.</param>
public sealed record WeightsInfo(string Path, WeightsFormat Format, string Layout, int TensorCount, int? Epoch,
    int? ClassCount, CheckpointInfo? Checkpoint)
{
    /// <summary>One line for logs, e.g. "PyTorch checkpoint, weights under 'state_dict_best': 188 tensors, epoch 187, 10 classes".</summary>
    public string Summary =>
        $"{Layout}: {TensorCount} tensors{(Epoch is { } epoch ? $", epoch {epoch}" : "")}{(ClassCount is { } classes ? $", {classes} classes" : ", no classifier")}";
}
