using Balms.Configuration;
using Balms.Data;
using Balms.Inference.Onnx;
using Balms.Models;
using Balms.Reporting;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Inference;

/// <summary>
/// A trained Balms model ready to classify images: loads a checkpoint (or a run directory's best one) into TorchSharp,
/// or a model written by ./balms export into ONNX Runtime, prepares images with the test transform of the data it was
/// trained on, and returns the top-k classes by name. Predictions are for the class prior the model was trained for
/// (balanced for Balanced Softmax and BALMS), or the one an exported model was exported for, unless
/// <see cref="WithPrior"/> names another. Not thread-safe; dispose every instance (those made by
/// <see cref="WithPrior"/> share the model, which is freed with the last of them).
/// <code>
/// using var classifier = ImageClassifier.Load("runs/my_data/balms");
/// foreach (var p in classifier.Classify("cat.jpg", top: 3)) Console.WriteLine($"{p.ClassName} {p.Probability:P1}");
/// </code>
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private const int Prefetch = 2;

    private readonly SharedModel _shared;
    private readonly double[] _offsets;
    private readonly Tensor _offsetTensor;
    private bool _disposed;

    private ImageClassifier(SharedModel shared, double[]? targetPrior)
    {
        _shared = shared;
        TargetPrior = targetPrior ?? shared.ExportedPrior;
        _offsets = targetPrior is null ? new double[shared.Info.ClassCount] : PriorAdjustment.LogitOffsets(targetPrior, ScoresPrior());
        _offsetTensor = torch.tensor(_offsets, device: shared.Device).DetachFromDisposeScope();
    }

    /// <summary>
    /// Loads a model from a checkpoint file, a run directory (its checkpoints/best.safetensors) or, for a file whose
    /// name ends in .onnx, a model written by ./balms export (see <see cref="LoadOnnx"/>).
    /// </summary>
    /// <param name="device">cpu, cuda, cuda:N or auto.</param>
    /// <param name="modelPrior">The prior the model's logits are for; null = what the checkpoint records (balanced
    /// when it records nothing, as checkpoints written before it was recorded).</param>
    /// <param name="workers">Threads that decode images; 0 = one per processor.</param>
    /// <exception cref="BalmsException">The file is missing or not a Balms checkpoint with class names.</exception>
    public static ImageClassifier Load(string runDirectoryOrCheckpoint, string device = "cpu", ModelPrior? modelPrior = null, int workers = 0)
    {
        if (runDirectoryOrCheckpoint.EndsWith(OnnxExport.Extension, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(runDirectoryOrCheckpoint))
        {
            if (modelPrior is not null)
                throw new BalmsException($"{runDirectoryOrCheckpoint} is an exported model, which records the prior its model was trained for; a model prior applies to checkpoints only");
            return LoadOnnx(runDirectoryOrCheckpoint, device, workers);
        }
        string path = ResolveCheckpoint(runDirectoryOrCheckpoint);
        var resolvedDevice = Devices.Resolve(device);
        using var weights = ModelWeights.Read(path);
        var info = weights.Info.Checkpoint
                   ?? throw new BalmsException($"{path} holds no class names ({weights.Info.Layout}, not a Balms checkpoint); classifying and ONNX export need a checkpoint written by ./balms train");
        if (info.ClassNames is not { Length: > 0 } names || names.Length != info.ClassCount)
            throw new BalmsException($"{path} records no class names for its {info.ClassCount} classes; classifying and ONNX export need a checkpoint written by ./balms train");
        var transform = PredictionTransform.For(info);
        var prior = ModelPriors.Resolve(modelPrior, info.ModelPrior, path);
        var model = LongTailModel.Create(info.Backbone, info.InputChannels, info.ClassCount, head: HeadOptions.FromRecord(info.Head, path));
        try
        {
            weights.CopyInto(model, includeClassifier: true);
            model.to(resolvedDevice);
            model.eval();
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var scores = new TorchScores(model);
        return new ImageClassifier(new SharedModel(scores, info, transform, resolvedDevice, prior, path, Threads(workers)), targetPrior: null);
    }

    /// <summary>
    /// Loads a model written by ./balms export (whatever its file name) into ONNX Runtime: it classifies as the
    /// checkpoint it came from did, for the prior it was exported for (<see cref="TargetPrior"/>).
    /// </summary>
    /// <param name="device">Where the images are prepared; ONNX Runtime runs the model on the CPU.</param>
    /// <exception cref="BalmsException">The file is missing, not an ONNX model, or not one written by ./balms
    /// export.</exception>
    public static ImageClassifier LoadOnnx(string path, string device = "cpu", int workers = 0)
    {
        var resolvedDevice = Devices.Resolve(device);
        if (resolvedDevice.type != DeviceType.CPU)
            throw new BalmsException($"{path}: exported models run on the CPU (ONNX Runtime's CPU build), not on {device}");
        var exported = OnnxScores.Open(path);
        var info = exported.Info;
        try
        {
            var transform = PredictionTransform.For(info);
            var prior = ModelPriors.Resolve(null, info.ModelPrior, path);
            var shared = new SharedModel(exported, info, transform, resolvedDevice, prior, path, Threads(workers), exported.TargetPrior);
            return new ImageClassifier(shared, targetPrior: null);
        }
        catch
        {
            exported.Dispose();
            throw;
        }
    }

    /// <summary>A checkpoint file as given; a folder's checkpoints/best.safetensors.</summary>
    public static string ResolveCheckpoint(string runDirectoryOrCheckpoint)
    {
        if (RunDirectory.FindCheckpoint(runDirectoryOrCheckpoint) is { } found) return found;
        if (!Directory.Exists(runDirectoryOrCheckpoint))
            throw new BalmsException($"checkpoint not found: {runDirectoryOrCheckpoint} is neither a checkpoint file nor a run directory");
        throw new BalmsException($"{runDirectoryOrCheckpoint} holds no {RunFileNames.BestCheckpointPath}; pass a run directory of ./balms train or a checkpoint file");
    }

    /// <summary>The checkpoint file, or exported model file, the model came from.</summary>
    public string CheckpointPath => _shared.Path;

    /// <summary>What the checkpoint records about the model and its training run (for an exported model: the checkpoint
    /// it was exported from).</summary>
    public CheckpointInfo Checkpoint => _shared.Info;

    /// <summary>Class names, index = class id.</summary>
    public IReadOnlyList<string> ClassNames => _shared.Info.ClassNames;

    /// <summary>Training images per class, as recorded in the checkpoint.</summary>
    public IReadOnlyList<long> TrainingClassCounts => _shared.Info.ClassCounts;

    /// <summary>The prior the model's own logits are calibrated for.</summary>
    public ModelPrior ModelPrior => _shared.Prior;

    /// <summary>
    /// The class prior predictions are adjusted to; null = the model's own (<see cref="ModelPrior"/>). An exported
    /// model starts with the prior it was exported for (null when exported without one).
    /// </summary>
    public IReadOnlyList<double>? TargetPrior { get; }

    /// <summary>Turns a decoded image into the model's input; use it to build tensors for <see cref="Classify(Tensor)"/>.</summary>
    public IImageTransform Transform => _shared.Transform;

    /// <summary>
    /// A classifier sharing this one's model whose predictions are for <paramref name="prior"/>: per-class weights
    /// or counts in class-id order (normalised here), e.g. the class frequencies where the model is deployed.
    /// </summary>
    /// <exception cref="BalmsException">The prior has the wrong length or invalid weights.</exception>
    public ImageClassifier WithPrior(IReadOnlyList<double> prior)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (prior.Count != ClassNames.Count)
            throw new BalmsException($"the prior has {prior.Count} weights, the model {ClassNames.Count} classes");
        var normalized = PriorAdjustment.Normalize(prior, "the target prior");
        _shared.Acquire();
        try
        {
            return new ImageClassifier(_shared, normalized);
        }
        catch
        {
            _shared.Release();
            throw;
        }
    }

    /// <summary>The <paramref name="top"/> most probable classes of one image file.</summary>
    /// <exception cref="DataException">The file is missing or not a readable image.</exception>
    public IReadOnlyList<Prediction> Classify(string imagePath, int top = 5) => ClassifyBatch([imagePath], top).Single().Top;

    /// <summary>
    /// The top classes of many image files, in the order given, computed lazily batch by batch: images are decoded on
    /// several threads while the previous batch runs through the model.
    /// </summary>
    /// <exception cref="DataException">A file is missing or not a readable image (raised when its batch is reached).</exception>
    public IEnumerable<ImagePredictions> ClassifyBatch(IEnumerable<string> imagePaths, int top = 5, int batchSize = 64)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (top < 1) throw new BalmsException($"top must be at least 1, got {top}");
        if (batchSize < 1) throw new BalmsException($"the batch size must be at least 1, got {batchSize}");
        var images = new PredictionImages(imagePaths, ClassNames, _shared.Info.InputChannels);
        return Run(images, Math.Min(top, ClassNames.Count), batchSize);
    }

    private IEnumerable<ImagePredictions> Run(PredictionImages images, int top, int batchSize)
    {
        var loader = new BatchLoader(new ImageDataset(images, Transform), _shared.Workers, Prefetch, seed: 0, _shared.Device);
        foreach (var batch in loader.Stream(BatchLoader.Sequential(images.Count, batchSize), epoch: 0))
        {
            double[] probabilities;
            long[] classes;
            using (batch)
            using (torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var (values, indices) = Probabilities(batch.Images).topk(top, dim: 1);
                probabilities = values.cpu().data<double>().ToArray();
                classes = indices.cpu().data<long>().ToArray();
            }
            for (int row = 0; row < batch.Size; row++)
            {
                var predictions = Enumerable.Range(row * top, top)
                    .Select(i => new Prediction((int)classes[i], ClassNames[(int)classes[i]], probabilities[i]))
                    .ToArray();
                yield return new ImagePredictions(images.Path(batch.Indices[row]), predictions);
            }
        }
    }

    /// <summary>
    /// Class probabilities [B, C] (float64, prior-adjusted) of a batch of images already prepared with <see cref="Transform"/>,
    /// shape [B, channels, height, width]. The caller owns the result.
    /// </summary>
    public Tensor Classify(Tensor images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Probabilities(images.to(_shared.Device)).MoveToOuterDisposeScope();
    }

    /// <summary>The logits of the model plus log target prior − log model prior (zero without a target prior).</summary>
    public IReadOnlyList<double> LogitOffsets => _offsets;

    /// <summary>The TorchSharp model, for ./balms export.</summary>
    /// <exception cref="BalmsException">The classifier runs an exported model.</exception>
    internal LongTailModel TorchModel => _shared.Scores is TorchScores scores
        ? scores.Model
        : throw new BalmsException($"{CheckpointPath} is an exported model already; export its checkpoint instead");

    // In float64, so that probabilities near 0 or 1 and the effect of small offsets are not lost to rounding.
    private Tensor Probabilities(Tensor images) => (_shared.Scores.Of(images) + _offsetTensor).softmax(1);

    private static int Threads(int workers) => workers > 0 ? workers : Environment.ProcessorCount;

    /// <summary>The prior the scores of the model are calibrated for: an exported model's, or the trained one's.</summary>
    private double[] ScoresPrior()
    {
        if (_shared.ExportedPrior is { } exported)
            return exported.All(p => p > 0)
                ? exported
                : throw new BalmsException($"{CheckpointPath} was exported for a prior without some classes, which it never predicts, so no other prior can be set; export the checkpoint for the prior you need");
        return ModelClassPrior();
    }

    private double[] ModelClassPrior()
    {
        if (_shared.Prior == ModelPrior.Balanced) return PriorAdjustment.Uniform(ClassNames.Count);
        var counts = TrainingClassCounts;
        if (counts is null || counts.Count != ClassNames.Count)
            throw new BalmsException($"{CheckpointPath} records no training class counts, so its {_shared.Prior} prior cannot be divided out");
        return _shared.Prior.Distribution(counts);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _offsetTensor.Dispose();
        _shared.Release();
    }

    /// <summary>The model and what belongs to it, freed when the last classifier using it is disposed.</summary>
    /// <param name="exportedPrior">The prior an exported model's outputs were adjusted to, if any.</param>
    private sealed class SharedModel(IClassScores scores, CheckpointInfo info, IImageTransform transform, Device device,
        ModelPrior prior, string path, int workers, double[]? exportedPrior = null)
    {
        private int _users = 1;

        public IClassScores Scores { get; } = scores;
        public double[]? ExportedPrior { get; } = exportedPrior;
        public CheckpointInfo Info { get; } = info;
        public IImageTransform Transform { get; } = transform;
        public Device Device { get; } = device;
        public ModelPrior Prior { get; } = prior;
        public string Path { get; } = path;
        public int Workers { get; } = workers;

        public void Acquire() => Interlocked.Increment(ref _users);

        public void Release()
        {
            if (Interlocked.Decrement(ref _users) == 0) Scores.Dispose();
        }
    }
}
