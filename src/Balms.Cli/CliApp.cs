using System.Runtime.InteropServices;
using Balms.Configuration;
using Balms.Models;
using Balms.Training;
using Spectre.Console;

namespace Balms.Cli;

/// <summary>Entry point: dispatches a command, turns user errors into one line and a non-zero exit code.</summary>
public static class CliApp
{
    public const int UserError = 2;
    public const int Interrupted = 130;
    public const int InternalError = 70;

    private static readonly Dictionary<string, (string Usage, Func<Arguments, CancellationToken, int> Run)> Commands = new()
    {
        ["train"] = (TrainCommand.Usage, TrainCommand.Run),
        ["quickstart"] = (TrainCommand.QuickstartUsage, TrainCommand.RunQuickstart),
        ["eval"] = (EvalCommand.Usage, EvalCommand.Run),
        ["data"] = (DataCommand.Usage, DataCommand.Run),
        ["predict"] = (PredictCommand.Usage, PredictCommand.Run),
        ["report"] = (ReportCommand.Usage, ReportCommand.Run),
        ["export"] = (ExportCommand.Usage, ExportCommand.Run),
        ["bench"] = (BenchCommand.Usage, BenchCommand.Run),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return args.Length == 0 ? UserError : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine($"error: unknown command '{args[0]}'; valid commands: {string.Join(", ", Commands.Keys)}");
            return UserError;
        }
        if (args.Skip(1).Any(arg => arg is "-h" or "--help"))
        {
            Console.WriteLine($"usage: ./balms {command.Usage}");
            return 0;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            e.Cancel = true;
            Console.Error.WriteLine("\ninterrupt received: stopping (training first finishes its step and saves a checkpoint; Ctrl-C again to abort)");
            cancellation.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });

        try
        {
            var arguments = Arguments.Parse(args.Skip(1).ToArray());
            int code = command.Run(arguments, cancellation.Token);
            return cancellation.IsCancellationRequested && code == 0 ? Interrupted : code;
        }
        catch (BalmsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not a bug of ours: a full disk or a permission problem in a write that had no message of its own.
            Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
            return UserError;
        }
        catch (Exception e)
        {
            string crashLog = Path.Combine(Path.GetTempPath(), $"balms-crash-{DateTime.Now:yyyyMMdd-HHmmss}.txt");
            string details;
            try
            {
                File.WriteAllText(crashLog, e.ToString());
                details = $"details in {crashLog}";
            }
            catch (Exception writeError) when (writeError is IOException or UnauthorizedAccessException)
            {
                details = $"no crash log: {writeError.Message}";
            }
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message.Split('\n')[0]} ({details}; please report it)");
            return InternalError;
        }
    }

    private static void PrintUsage()
    {
        Console.WriteLine("Balms: long-tailed image classification (Balanced Softmax, BALMS) on TorchSharp");
        Console.WriteLine();
        Console.WriteLine("usage: ./balms COMMAND [options]");
        foreach (var (_, (usage, _)) in Commands) Console.WriteLine($"  ./balms {usage}");
    }

    /// <summary>Whether to draw live progress bars (a terminal) or print plain lines (a pipe or file).</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static ExperimentOptions LoadConfig(Arguments arguments, string configPath)
    {
        var overrides = arguments.All("--set").ToList();
        var options = ConfigLoader.Load(configPath, overrides);
        if (arguments.One("--data-root") is { } root) options = options with { Data = options.Data with { Root = root } };
        if (arguments.One("--output") is { } output)
            options = string.IsNullOrWhiteSpace(output)
                ? throw new BalmsException("--output is empty; give the folder the run writes to")
                : options with { Output = new OutputOptions { Dir = output } };
        if (arguments.One("--device") is { } device) options = options with { Device = device };
        // Their valid values are known outside Configuration; checked here so that every command, data too, rejects
        // them before any work.
        if (!Backbones.Exists(options.Model.Backbone))
            throw new ConfigException($"model.backbone: unknown backbone '{options.Model.Backbone}'; valid: {string.Join(", ", Backbones.Names)}");
        if (!Devices.IsValidName(options.Device))
            throw new ConfigException($"device: unknown device '{options.Device}'; valid: {Devices.ValidNames}");
        return options;
    }
}
