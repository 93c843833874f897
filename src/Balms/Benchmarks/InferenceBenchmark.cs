using System.Diagnostics;
using Balms.Data;
using Balms.Data.Transforms;
using Balms.Inference;
using Balms.Inference.Onnx;
using Balms.Models;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Benchmarks;

/// <summary>Images/s of one model at one batch size, run by TorchSharp and by ONNX Runtime.</summary>
/// <param name="OnnxFileBytes">The size of the model's exported file.</param>
public sealed record InferenceTiming(string Backbone, SampleShape Input, int Classes, long OnnxFileBytes, int BatchSize,
    double TorchSharpImagesPerSecond, double OnnxRuntimeImagesPerSecond);

/// <summary>The timings of <see cref="InferenceBenchmark"/> and the machine and load they were taken on.</summary>
public sealed record InferenceReport(string CpuModel, int LogicalCpus, int Threads, double LoadAverageAtStart,
    double LoadAverageAtEnd, IReadOnlyList<InferenceTiming> Timings);

/// <summary>
/// `balms bench --inference`: the same randomly initialised model classifying prepared images (no decoding) through
/// <see cref="ImageClassifier"/>, once loaded from a checkpoint into TorchSharp and once exported and loaded into ONNX
/// Runtime, for ResNet-32 on CIFAR-size input and ResNet-10 at 224×224 with ImageNet-LT's 1,000 classes, at batch 1
/// and 64. The two alternate in rounds of at least <see cref="RoundSeconds"/> each, after warm-up; a figure is the
/// median over the rounds, so that a change of load on the machine hits both alike.
/// </summary>
public static class InferenceBenchmark
{
    private const double RoundSeconds = 2;
    private const int Rounds = 3, WarmUpBatches = 2, MinimumBatchesPerRound = 3;
    private static readonly int[] BatchSizes = [1, 64];

    private static readonly (string Backbone, TestTransformKey Input, int Classes)[] Models =
    [
        ("resnet32", TestTransformKey.Cifar, 10),
        ("resnet10", TestTransformKey.ImageNet(), 1000),
    ];

    /// <param name="threads">TorchSharp's intra-op threads; ONNX Runtime keeps its default, one per physical core.</param>
    public static InferenceReport Run(int threads, Action<string> progress, CancellationToken cancellation)
    {
        torch.set_num_threads(threads);
        double loadAtStart = BenchmarkRunner.LoadAverage();
        string work = Path.Combine(Path.GetTempPath(), $"balms-bench-inference-{Guid.NewGuid():N}");
        try
        {
            var timings = new List<InferenceTiming>();
            foreach (var (backbone, input, classes) in Models)
            {
                progress($"{backbone}: writing a random checkpoint and exporting it");
                string checkpoint = RandomCheckpoint(Path.Combine(work, $"{backbone}.safetensors"), backbone, input, classes);
                using var torchSharp = ImageClassifier.Load(checkpoint);
                string model = Path.Combine(work, $"{backbone}{OnnxExport.Extension}");
                long bytes = OnnxExport.Write(torchSharp, model, softmax: false);
                using var onnxRuntime = ImageClassifier.LoadOnnx(model);
                var shape = torchSharp.Transform.OutputShape;
                foreach (int batch in BatchSizes)
                {
                    progress($"{backbone}: batch {batch}");
                    using var images = torch.randn([batch, shape.Channels, shape.Height, shape.Width], generator: new torch.Generator(1));
                    var (torchRate, onnxRate) = Alternate(torchSharp, onnxRuntime, images, cancellation);
                    timings.Add(new InferenceTiming(backbone, shape, classes, bytes, batch, torchRate, onnxRate));
                }
            }
            return new InferenceReport(CpuInfo.Current.Model, Environment.ProcessorCount, threads, loadAtStart,
                BenchmarkRunner.LoadAverage(), timings);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static (double TorchSharp, double OnnxRuntime) Alternate(ImageClassifier torchSharp, ImageClassifier onnxRuntime,
        torch.Tensor images, CancellationToken cancellation)
    {
        foreach (var classifier in new[] { torchSharp, onnxRuntime })
            for (int i = 0; i < WarmUpBatches; i++) classifier.Classify(images).Dispose();
        var torchRates = new List<double>();
        var onnxRates = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            torchRates.Add(ImagesPerSecond(torchSharp, images));
            onnxRates.Add(ImagesPerSecond(onnxRuntime, images));
        }
        return (BenchmarkRunner.Median(torchRates), BenchmarkRunner.Median(onnxRates));
    }

    private static double ImagesPerSecond(ImageClassifier classifier, torch.Tensor images)
    {
        var clock = Stopwatch.StartNew();
        int batches = 0;
        while (batches < MinimumBatchesPerRound || clock.Elapsed.TotalSeconds < RoundSeconds)
        {
            classifier.Classify(images).Dispose();
            batches++;
        }
        return batches * images.shape[0] / clock.Elapsed.TotalSeconds;
    }

    private static string RandomCheckpoint(string path, string backbone, TestTransformKey input, int classes)
    {
        int channels = input.Family == TestTransformKey.FashionMnistFamily ? 1 : 3;
        using var model = LongTailModel.Create(backbone, channels, classes);
        var info = new CheckpointInfo
        {
            Backbone = backbone,
            InputChannels = channels,
            ClassCount = classes,
            ClassNames = Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray(),
            ClassCounts = Enumerable.Repeat(1L, classes).ToArray(),
            Dataset = "random",
            Experiment = "bench --inference",
            Epoch = 0,
            GlobalStep = 0,
            InputTransform = input.ToString(),
        };
        Checkpoint.Save(path, info, model, optimizer: null);
        return path;
    }
}
