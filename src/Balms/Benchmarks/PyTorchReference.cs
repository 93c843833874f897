using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Balms.Benchmarks;

/// <summary>What benchmarks/pytorch_step.py measured.</summary>
public sealed record PyTorchMeasurement(double TrainImagesPerSecond, double EvaluationImagesPerSecond, double PeakResidentMb, string TorchVersion);

/// <summary>Runs the repository's PyTorch reference script (benchmarks/pytorch_step.py) with a given Python.</summary>
public sealed class PyTorchReference(string python, string script)
{
    public const string ScriptPath = "benchmarks/pytorch_step.py";

    /// <summary>
    /// Runs the script with the benchmark's sizes and thread count; null (with the reason in
    /// <paramref name="unavailable"/>) when the Python does not exist or cannot import torch.
    /// </summary>
    /// <param name="environment">Variables to set in the child's environment, which is otherwise the one this process got.</param>
    /// <param name="bfloat16">Mixed precision: the forward passes under PyTorch's bfloat16 autocast.</param>
    public PyTorchMeasurement? Measure(BenchmarkSettings settings, IReadOnlyDictionary<string, string> environment, out string? unavailable, bool bfloat16 = false)
    {
        string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        string[] arguments =
        [
            script, "--threads", I(settings.Threads), "--batch", I(settings.BatchSize), "--size", I(settings.ImageSize),
            "--channels", I(settings.Channels), "--classes", I(settings.Classes), "--warmup", I(settings.WarmupSteps),
            "--steps", I(settings.TimedSteps), "--eval-batch", I(settings.EvaluationBatchSize), "--eval-steps", I(settings.TimedSteps),
            .. bfloat16 ? ["--bf16"] : Array.Empty<string>(),
        ];
        int exitCode;
        string output, error;
        try
        {
            (exitCode, output, error) = Execute(arguments, environment);
        }
        catch (Win32Exception)
        {
            unavailable = $"{python} cannot be run";
            return null;
        }
        if (exitCode != 0)
            throw new BalmsException($"{script} failed (exit code {exitCode}): {error.Trim().Split('\n').LastOrDefault()}");
        try
        {
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            if (root.TryGetProperty("unavailable", out var reason))
            {
                unavailable = $"{python}: {reason.GetString()}";
                return null;
            }
            unavailable = null;
            return new PyTorchMeasurement(root.GetProperty("train_images_per_s").GetDouble(),
                root.GetProperty("eval_images_per_s").GetDouble(), root.GetProperty("peak_rss_mb").GetDouble(),
                root.GetProperty("torch_version").GetString() ?? "?");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BalmsException($"{script} printed no valid result (expected one JSON object with train_images_per_s, eval_images_per_s, peak_rss_mb, torch_version): {e.Message}");
        }
    }

    /// <summary>The reference script of the repository holding <paramref name="start"/> (searched upwards), or null.</summary>
    public static string? FindScript(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, ScriptPath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private (int ExitCode, string Output, string Error) Execute(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new BalmsException($"could not start {python}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
