using System.Globalization;
using Balms.Models;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>
/// The model tensors of a weights file in our names (feat_model.*, classifier.fc.*), whatever the file's format: our
/// checkpoints, other safetensors files, and torch.save files such as the original's final_model_checkpoint.pth
/// (see <see cref="PyTorchKeys"/> for how their names map to ours).
/// </summary>
public sealed class ModelWeights : IDisposable
{
    private const string ClassifierWeight = "classifier.fc.weight";
    private const int HeadLength = 16;

    private readonly Dictionary<string, Tensor> _tensors;
    private readonly Dictionary<string, string> _storedNames;
    private readonly IReadOnlyCollection<Tensor> _owned;

    private ModelWeights(Dictionary<string, Tensor> tensors, Dictionary<string, string> storedNames,
        IReadOnlyCollection<Tensor> owned, string path, WeightsFormat format, string layout, int? epoch,
        CheckpointInfo? checkpoint)
    {
        _tensors = tensors;
        _storedNames = storedNames;
        _owned = owned;
        int? classCount = checkpoint?.ClassCount
                          ?? (tensors.TryGetValue(ClassifierWeight, out var head) && head.dim() == 2 ? (int)head.shape[0] : null);
        Info = new WeightsInfo(path, format, layout, tensors.Count, epoch, classCount, checkpoint);
    }

    public WeightsInfo Info { get; }

    /// <summary>The model tensors, keyed by our names.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>Reads <paramref name="path"/> and copies its weights into <paramref name="model"/> (see <see cref="CopyInto"/>).</summary>
    public static WeightsInfo LoadInto(LongTailModel model, string path, bool includeClassifier)
    {
        using var weights = Read(path);
        weights.CopyInto(model, includeClassifier);
        return weights.Info;
    }

    /// <summary>Reads a weights file, telling its format from its first bytes rather than from its name.</summary>
    /// <exception cref="BalmsException">The file is missing, corrupt, truncated or of an unknown format.</exception>
    public static ModelWeights Read(string path)
    {
        byte[] head = ReadHead(path);
        if (TorchSaveFile.HasZipSignature(head)) return FromPyTorch(path);
        if (TorchSaveFile.HasLegacySignature(head))
            throw new BalmsException($"{path} was written by torch.save in the legacy format of PyTorch < 1.6, which Balms does not read; re-save it with a newer PyTorch: torch.save(torch.load(f), f)");
        // safetensors: an 8-byte header length, then the JSON header.
        if (head.Length > 8 && head[8] == '{') return FromSafeTensors(path);
        throw new BalmsException(head.Length < HeadLength
            ? $"{path} is truncated or empty ({head.Length} bytes), not a checkpoint"
            : $"{path} is neither a safetensors file nor a PyTorch checkpoint written by torch.save");
    }

    /// <summary>
    /// Copies the weights into <paramref name="model"/>: every tensor of the model (its classifier only with
    /// <paramref name="includeClassifier"/>) must be in the file with the same shape and every model tensor of the file
    /// must exist in the model, so a file of another architecture or class count is rejected, naming the first tensor
    /// that differs. A missing num_batches_tracked (older PyTorch) keeps the model's value.
    /// </summary>
    public void CopyInto(LongTailModel model, bool includeClassifier) =>
        StateDictCopy.Into(model, _tensors, includeClassifier, Info.Path, _storedNames.GetValueOrDefault);

    public void Dispose()
    {
        foreach (var tensor in _owned) tensor.Dispose();
    }

    private static byte[] ReadHead(string path)
    {
        if (!File.Exists(path)) throw new BalmsException($"checkpoint not found: {path}");
        using var stream = File.OpenRead(path);
        var head = new byte[HeadLength];
        int length = stream.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
        return head[..length];
    }

    private static ModelWeights FromSafeTensors(string path)
    {
        var contents = SafeTensorsFile.Load(path);
        var owned = contents.Tensors.Values.ToList();
        return DisposingOnError(owned, () =>
        {
            var checkpoint = Checkpoint.ReadInfo(contents.Metadata, path);
            if (checkpoint is not null)
            {
                var model = contents.Tensors.Where(t => PyTorchKeys.IsModelTensor(t.Key)).ToDictionary();
                return new ModelWeights(model, [], owned, path, WeightsFormat.BalmsCheckpoint,
                    $"Balms checkpoint of a {checkpoint.Backbone} model", checkpoint.Epoch, checkpoint);
            }
            var stored = contents.Tensors.Select(t => new PyTorchCheckpointLayout.StoredTensor(t.Key, $"'{t.Key}'", t.Value));
            int? epoch = int.TryParse(contents.Metadata.GetValueOrDefault("epoch"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) ? e : null;
            return FromForeign(path, WeightsFormat.SafeTensors, "safetensors weights", epoch, stored, owned);
        });
    }

    private static ModelWeights FromPyTorch(string path)
    {
        var contents = TorchSaveFile.Read(path);
        return DisposingOnError(contents.Tensors, () =>
        {
            var found = PyTorchCheckpointLayout.Find(contents.Root, path);
            return FromForeign(path, WeightsFormat.PyTorch, found.Layout, found.Epoch, found.Tensors, contents.Tensors);
        });
    }

    private static ModelWeights FromForeign(string path, WeightsFormat format, string layout, int? epoch,
        IEnumerable<PyTorchCheckpointLayout.StoredTensor> stored, IReadOnlyCollection<Tensor> owned)
    {
        var tensors = new Dictionary<string, Tensor>();
        var storedNames = new Dictionary<string, string>();
        foreach (var (fileKey, storedName, tensor) in stored)
        {
            string ours = PyTorchKeys.ToOurs(fileKey);
            if (!storedNames.TryAdd(ours, storedName))
                throw new BalmsException($"{path}: {storedNames[ours]} and {storedName} both stand for '{ours}'; keep one of them");
            tensors[ours] = tensor;
        }
        // Error messages mention the stored name only where it differs from ours.
        foreach (var name in storedNames.Where(n => n.Value == $"'{n.Key}'").Select(n => n.Key).ToList()) storedNames.Remove(name);
        return new ModelWeights(tensors, storedNames, owned, path, format, layout, epoch, checkpoint: null);
    }

    private static ModelWeights DisposingOnError(IReadOnlyCollection<Tensor> owned, Func<ModelWeights> create)
    {
        try
        {
            return create();
        }
        catch
        {
            foreach (var tensor in owned) tensor.Dispose();
            throw;
        }
    }
}
