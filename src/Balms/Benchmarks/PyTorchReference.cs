using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Balms.Benchmarks;

/// <summary>What benchmarks/pytorch_step.py measured.</summary>
public sealed record PyTorchMeasurement(double TrainImagesPerSecond, double EvaluationImagesPerSecond, string TorchVersion);

/// <summary>
/// Runs the repository's PyTorch reference script (benchmarks/pytorch_step.py) with a given Python, when that Python
/// can import torch.
/// </summary>
public sealed class PyTorchReference(string python, string script)
{
    public const string ScriptPath = "benchmarks/pytorch_step.py";

    /// <summary>Whether <c>python -c "import torch"</c> succeeds.</summary>
    public bool IsAvailable()
    {
        if (!File.Exists(script)) return false;
        try
        {
            var (exitCode, _, _) = Execute(["-c", "import torch"], waitPolicy: null);
            return exitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such executable
        }
    }

    /// <param name="waitPolicy">OMP_WAIT_POLICY for the child, or null to leave its environment as this process got it.</param>
    public PyTorchMeasurement Measure(BenchmarkSettings settings, string? waitPolicy)
    {
        string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output, error) = Execute(
        [
            script, "--threads", I(settings.Threads), "--batch", I(settings.BatchSize), "--size", I(settings.ImageSize),
            "--channels", I(settings.Channels), "--classes", I(settings.Classes), "--warmup", I(settings.WarmupSteps),
            "--steps", I(settings.TimedSteps), "--eval-batch", I(settings.EvaluationBatchSize), "--eval-steps", I(settings.TimedSteps),
        ], waitPolicy);
        if (exitCode != 0)
            throw new BalmsException($"{script} failed (exit code {exitCode}): {error.Trim().Split('\n').LastOrDefault()}");
        try
        {
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            return new PyTorchMeasurement(root.GetProperty("train_images_per_s").GetDouble(),
                root.GetProperty("eval_images_per_s").GetDouble(), root.GetProperty("torch_version").GetString() ?? "?");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BalmsException($"{script} printed no valid result (expected one JSON object with train_images_per_s, eval_images_per_s, torch_version): {e.Message}");
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

    private (int ExitCode, string Output, string Error) Execute(IEnumerable<string> arguments, string? waitPolicy)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (waitPolicy is not null) start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
        using var process = Process.Start(start) ?? throw new BalmsException($"could not start {python}");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
