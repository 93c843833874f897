using System.Text.Json;
using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>What a checkpoint says about the model it holds and the run that wrote it.</summary>
public sealed record CheckpointInfo
{
    public const string CurrentFormat = "balms-checkpoint/1";
    public string Format { get; init; } = CurrentFormat;
    public required string Backbone { get; init; }
    public required int InputChannels { get; init; }
    public required int ClassCount { get; init; }
    public required string[] ClassNames { get; init; }
    public required long[] ClassCounts { get; init; }
    public required string Dataset { get; init; }
    public required string Experiment { get; init; }
    /// <summary>Epochs completed when the checkpoint was written.</summary>
    public required int Epoch { get; init; }
    /// <summary>Steps already taken in the next epoch (a checkpoint written mid-epoch, e.g. on Ctrl-C), else 0.</summary>
    public int StepInEpoch { get; init; }
    /// <summary>The running sums of that partial epoch, so its statistics come out as if never interrupted.</summary>
    public EpochTotals? EpochTotals { get; init; }
    public required long GlobalStep { get; init; }
    public int? BestEpoch { get; init; }
    public double? BestTop1 { get; init; }
    public string? SelectionSplit { get; init; }
    /// <summary>
    /// The test transform images are prepared with for this model, as family:size (e.g. imagenet:224, cifar:32; see
    /// <see cref="Balms.Data.Transforms.TestTransformKey"/>); null in checkpoints written before it was recorded.
    /// </summary>
    public string? InputTransform { get; init; }
    /// <summary>
    /// The class prior the model's logits are calibrated for: balanced or train (see
    /// <see cref="Balms.Configuration.ModelPrior"/>); null in checkpoints written before it was recorded.
    /// </summary>
    public string? ModelPrior { get; init; }
    /// <summary>
    /// The classifier head's options in config YAML (see <see cref="HeadOptions.ToRecord"/>); null in checkpoints
    /// written before heads had options, which are linear.
    /// </summary>
    public string? Head { get; init; }
}

/// <summary>
/// A training checkpoint in one safetensors file: the model's state under feat_model.* and classifier.*, the
/// optimiser's momentum under optimizer.momentum.*, optional extra state (e.g. the Meta Sampler's) under its own
/// prefix, and a JSON <see cref="CheckpointInfo"/> in the metadata.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>The metadata key of the <see cref="CheckpointInfo"/> JSON (also in exported ONNX models).</summary>
    internal const string InfoKey = "balms";
    private const string MomentumPrefix = "optimizer.momentum.";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    private Checkpoint(CheckpointInfo info, Dictionary<string, Tensor> tensors)
    {
        Info = info;
        Tensors = tensors;
    }

    public CheckpointInfo Info { get; }
    public Dictionary<string, Tensor> Tensors { get; }

    public static void Save(string path, CheckpointInfo info, LongTailModel model, SgdMomentum? optimizer,
        IReadOnlyDictionary<string, Tensor>? extraState = null)
    {
        var tensors = new Dictionary<string, Tensor>(model.state_dict());
        if (optimizer is not null)
            foreach (var (key, buffer) in optimizer.MomentumBuffers) tensors[MomentumPrefix + key] = buffer;
        foreach (var (key, value) in extraState ?? new Dictionary<string, Tensor>()) tensors[key] = value;
        SafeTensorsFile.Save(path, tensors, new Dictionary<string, string> { [InfoKey] = InfoJson(info) });
    }

    /// <summary>The metadata value <see cref="ReadInfo"/> reads back.</summary>
    internal static string InfoJson(CheckpointInfo info) => JsonSerializer.Serialize(info, Json);

    public static Checkpoint Load(string path)
    {
        var contents = SafeTensorsFile.Load(path);
        var info = ReadInfo(contents.Metadata, path);
        if (info is null)
        {
            foreach (var tensor in contents.Tensors.Values) tensor.Dispose();
            throw new BalmsException($"{path} is a safetensors file but not a Balms checkpoint (no '{InfoKey}' metadata)");
        }
        return new Checkpoint(info, contents.Tensors);
    }

    /// <summary>The description in a safetensors file's metadata, or null when the file is not a Balms checkpoint.</summary>
    internal static CheckpointInfo? ReadInfo(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(InfoKey, out var infoJson)) return null;
        try
        {
            return JsonSerializer.Deserialize<CheckpointInfo>(infoJson, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new BalmsException($"{path}: unreadable checkpoint metadata ({e.Message})", e);
        }
    }

    /// <summary>
    /// Copies the stored weights into <paramref name="model"/>. Every tensor of the model must be present with the
    /// same shape, and no stored model tensor may be missing from the model; otherwise the error names the first one
    /// that differs.
    /// </summary>
    public void LoadInto(LongTailModel model, string path, bool includeClassifier = true) =>
        StateDictCopy.Into(model, Tensors, includeClassifier, path);

    public Dictionary<string, Tensor> MomentumBuffers() =>
        Tensors.Where(t => t.Key.StartsWith(MomentumPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[MomentumPrefix.Length..], t => t.Value);

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
