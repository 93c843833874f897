using System.Globalization;
using System.Text.Json;
using Balms.Benchmarks;

namespace Balms.Cli;

/// <summary>`balms bench`: training and evaluation throughput, memory, and the same step in PyTorch when available.</summary>
public static class BenchCommand
{
    public const string Usage = "bench [--json] [--quick] [--threads N] [--python PATH]   (throughput and memory; PyTorch side by side when installed)\n" +
                                "  ./balms bench --inference [--threads N]   (classifying: TorchSharp against ONNX Runtime)";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--json", "--quick", "--threads", "--python", "--inference");
        var settings = arguments.Has("--quick") ? BenchmarkSettings.Quick : BenchmarkSettings.Full;
        if (arguments.One("--threads") is { } threads)
            settings = settings with { Threads = int.TryParse(threads, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : throw new BalmsException($"--threads: '{threads}' is not a positive integer") };
        if (arguments.Has("--inference")) return RunInference(arguments, settings.Threads, cancellation);
        if (arguments.One("--python") is { } python) settings = settings with { Python = python };
        bool json = arguments.Has("--json");

        string? script = PyTorchReference.FindScript(AppContext.BaseDirectory) ?? PyTorchReference.FindScript(Directory.GetCurrentDirectory());
        var reference = script is null ? null : new PyTorchReference(settings.Python, script);
        var runner = new BenchmarkRunner(settings, reference, step => Console.Error.WriteLine($"bench: {step}"));
        BenchmarkReport report;
        try
        {
            report = runner.Run(cancellation);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("bench: interrupted");
            return CliApp.Interrupted;
        }

        if (json) Console.WriteLine(report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else Print(report);
        return 0;
    }

    private static int RunInference(Arguments arguments, int threads, CancellationToken cancellation)
    {
        if (new[] { "--json", "--quick", "--python" }.FirstOrDefault(arguments.Has) is { } other)
            throw new BalmsException($"{other} does not apply to bench --inference, which takes only --threads");
        InferenceReport report;
        try
        {
            report = InferenceBenchmark.Run(threads, step => Console.Error.WriteLine($"bench: {step}..."), cancellation);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("bench: interrupted");
            return CliApp.Interrupted;
        }
        Console.WriteLine($"{report.CpuModel}, {report.LogicalCpus} logical CPUs, {report.Threads} TorchSharp threads; load average {report.LoadAverageAtStart:F2} at start, {report.LoadAverageAtEnd:F2} at end");
        Console.WriteLine("| model | input | ONNX file | batch | TorchSharp images/s | ONNX Runtime images/s | ONNX Runtime / TorchSharp |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var t in report.Timings)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t.Backbone}, {t.Classes} classes | {t.Input.Channels}x{t.Input.Height}x{t.Input.Width} | {t.OnnxFileBytes / 1e6:F1} MB | {t.BatchSize} | {t.TorchSharpImagesPerSecond:F1} | {t.OnnxRuntimeImagesPerSecond:F1} | {t.OnnxRuntimeImagesPerSecond / t.TorchSharpImagesPerSecond:F2} |"));
        return 0;
    }

    private static void Print(BenchmarkReport report)
    {
        Console.WriteLine($"{report.Cpu.Model}, {report.LogicalCpus} logical CPUs, {report.Threads} compute threads, batch {report.BatchSize}; load average {report.LoadAverageAtStart:F2} at start, {report.LoadAverageAtEnd:F2} at end");
        var shown = KernelFlags.Where(report.Cpu.Flags.Contains).ToList();
        Console.WriteLine($"  CPU flags that decide the kernels: {(shown.Count > 0 ? string.Join(" ", shown) : "none")} (of {string.Join(", ", KernelFlags)}; all {report.Cpu.Flags.Count} in --json)");
        Console.WriteLine($"  bare training step (ResNet-32)      {report.TrainStepImagesPerSecond,8:F1} images/s");
        if (report.PyTorch is { } pytorch)
            Console.WriteLine($"  PyTorch bare step (its defaults)    {pytorch.TrainImagesPerSecond,8:F1} images/s   (PyTorch {pytorch.TorchVersion}; Balms step {report.TrainStepVsPyTorch:F2}x, loop {report.TrainLoopVsPyTorch:F2}x)");
        if (report.PyTorchWithBalmsOpenMp is { } sameOpenMp)
            Console.WriteLine($"  PyTorch, Balms' OpenMP setting      {sameOpenMp.TrainImagesPerSecond,8:F1} images/s   (Balms loop {report.TrainLoopVsPyTorchWithBalmsOpenMp:F2}x)");
        if (report.PyTorchSkipped is { } reason) Console.WriteLine($"  PyTorch not measured: {reason}");
        Console.WriteLine($"  training loop, CIFAR-10-LT          {report.CifarLoop.TrainImagesPerSecond,8:F1} images/s   (loading and bookkeeping {report.LoopOverhead:P1} of the time)");
        Console.WriteLine($"  augmenting one batch on one thread  {report.AugmentationMsPerBatch,8:F1} ms   (the bare step takes {report.StepMilliseconds:F0} ms)");
        if (report.TrainStepBfloat16ImagesPerSecond is { } bfloat16Step && report.CifarLoopBfloat16 is { } bfloat16Loop)
        {
            string pytorchMixed = report.PyTorchBfloat16 is { } bf16 ? $"; PyTorch autocast step {bf16.TrainImagesPerSecond:F1}, loop {report.TrainLoopBfloat16VsPyTorchBfloat16:F2}x that" : "";
            Console.WriteLine($"  bfloat16 mixed precision: step      {bfloat16Step,8:F1} images/s   (loop {bfloat16Loop.TrainImagesPerSecond:F1}{pytorchMixed})");
        }
        if (report.Bfloat16Skipped is { } skipped) Console.WriteLine($"  bfloat16 mixed precision not measured: {skipped}");
        Console.WriteLine($"  training loop, Fashion-MNIST-LT     {report.FashionMnistLoop.TrainImagesPerSecond,8:F1} images/s   ({report.FashionMnistSource})");
        string pytorchEval = report.PyTorch is { } p ? $"   (PyTorch {p.EvaluationImagesPerSecond:F1})" : "";
        Console.WriteLine($"  evaluation                          {report.EvaluationImagesPerSecond,8:F1} images/s{pytorchEval}");
        Console.WriteLine($"  decoupled step                      {report.DecoupledRun.TrainImagesPerSecond,8:F1} images/s");
        Console.WriteLine($"  BALMS step                          {report.BalmsRun.TrainImagesPerSecond,8:F1} images/s   ({report.BalmsStepTimeRatio:F2}x the decoupled step's time)");
        Console.WriteLine($"  decoupled step, BatchNorm frozen    {report.DecoupledFrozenRun.TrainImagesPerSecond,8:F1} images/s");
        Console.WriteLine($"  BALMS step, meta features cached    {report.BalmsCachedRun.TrainImagesPerSecond,8:F1} images/s   ({report.BalmsCachedStepTimeRatio:F2}x that decoupled step's time)");
        Console.WriteLine($"  Meta Sampler draw, ImageNet-LT size {report.MetaSamplerDrawMs,8:F1} ms per batch   ({report.MetaSamplerDrawFraction:P2} of a ResNet-10 training step at that size, {report.ImageNetStepMs / 1000:F1} s, timed at batch {report.ImageNetStepBatchSize})");
        string pytorchPeak = report.PyTorch is { } q ? $"; PyTorch process {q.PeakResidentMb:F0}" : "";
        Console.WriteLine($"  peak RSS (MB): bare step {report.StepPeakResidentMb:F0}, CIFAR loop {report.CifarLoop.PeakResidentMb:F0}, Fashion-MNIST loop {report.FashionMnistLoop.PeakResidentMb:F0}, decoupled {report.DecoupledRun.PeakResidentMb:F0}, BALMS {report.BalmsRun.PeakResidentMb:F0}, BALMS cached {report.BalmsCachedRun.PeakResidentMb:F0}{pytorchPeak}");
        Console.WriteLine($"  peak RSS {report.PeakResidentMb:F0} MB; after each epoch (CIFAR | Fashion-MNIST): RSS MB {Join(report.CifarLoop.ResidentMbAfterEpoch)} | {Join(report.FashionMnistLoop.ResidentMbAfterEpoch)}; live tensors {Join(report.CifarLoop.LiveTensorsAfterEpoch)} | {Join(report.FashionMnistLoop.LiveTensorsAfterEpoch)}");
        Console.WriteLine(report.Quick ? "targets (docs/performance.md; --quick's tiny batches say nothing about them):" : "targets (docs/performance.md), in this run:");
        foreach (var target in report.Targets)
            Console.WriteLine($"  {(target.Met ? "met    " : "not met")}  {target.Description}: {target.Value:0.###} ({target.BoundText} {target.Limit:0.##})");
    }

    /// <summary>The instruction sets that decide which kernels libtorch and oneDNN run, and whether bfloat16 is native.</summary>
    private static readonly string[] KernelFlags = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"];

    private static string Join<T>(IEnumerable<T> values) where T : IFormattable =>
        string.Join(", ", values.Select(value => value.ToString("F0", CultureInfo.InvariantCulture)));
}
