using Balms.Configuration;
using Balms.Data;
using Balms.Reporting;
using Balms.Training;

namespace Balms.Cli;

public static class TrainCommand
{
    public const string Usage = "train --config FILE [--config FILE ...] [--output DIR] [--data-root DIR] [--set key=value ...] [--device cpu|cuda[:N]] [--seeds 0,1,2] [--resume]";

    /// <summary>The README's main job: stage 1, then the decoupled Balanced Softmax and BALMS stages from it.</summary>
    public static readonly string[] QuickstartConfigs =
    [
        "configs/FashionMNIST_LT/quick.yaml",
        "configs/FashionMNIST_LT/quick_decouple_balanced_softmax.yaml",
        "configs/FashionMNIST_LT/quick_balms.yaml",
    ];

    public const string QuickstartUsage = "quickstart [--data-root DIR] [--device cpu|cuda[:N]] [--resume]   (the README's main job: the Fashion-MNIST-LT chain in quick mode)";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--output", "--data-root", "--set", "--device", "--seeds", "--resume");
        var configs = arguments.All("--config").ToList();
        if (configs.Count == 0) throw new BalmsException($"missing --config; usage: ./balms {Usage}");
        if (configs.Count > 1 && arguments.Has("--output"))
            throw new BalmsException("--output names one run directory; with several --config files each run uses its own output.dir");
        return TrainAll(arguments, configs, cancellation);
    }

    public static int RunQuickstart(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--data-root", "--device", "--resume");
        string root = AppContext.BaseDirectory;
        string repository = FindRepositoryRoot(root) ?? Directory.GetCurrentDirectory();
        return TrainAll(arguments, QuickstartConfigs.Select(c => Path.Combine(repository, c)).ToList(), cancellation);
    }

    private static int TrainAll(Arguments arguments, List<string> configs, CancellationToken cancellation)
    {
        // Validate every file before the first long run starts.
        var experiments = configs.Select(c => CliApp.LoadConfig(arguments, c)).SelectMany(o => PerSeed(o, arguments.One("--seeds"))).ToList();
        foreach (var options in experiments) ComputePrecision.EnsureNative(options.Model, Devices.Resolve(options.Device), CpuInfo.Current);
        using var held = HeldFolders.Hold(experiments.Select(options => options.Output.Dir));
        bool resume = arguments.Has("--resume");
        // Resuming several runs continues the one that was cut: the runs before it finished with these very configs,
        // the runs after it start afresh (whatever an earlier command left in their directories).
        bool cutReached = !resume;
        var rows = new List<ResultsTable.Row>();
        foreach (var options in experiments)
        {
            string runDirectory = options.Output.Dir;
            bool resumeThis = !cutReached;
            if (!cutReached && experiments.Count > 1)
            {
                bool begun = File.Exists(Path.Combine(runDirectory, RunFileNames.Config));
                if (begun && File.Exists(Path.Combine(runDirectory, RunFileNames.Metrics)) && Trainer.RecordedConfig(runDirectory) == Trainer.ComparableConfig(options))
                {
                    Console.WriteLine($"{options.Name}: finished before, kept as it is ({runDirectory})");
                    rows.Add(new ResultsTable.Row(options.Name, ResultsTable.Scores.Of(RunResultsReader.Read(runDirectory).Metrics), "finished before"));
                    continue;
                }
                // A run of another config there is refused by the resume, naming the difference, as for a single run.
                resumeThis = begun;
                if (!begun) Console.WriteLine($"{options.Name}: not begun in {runDirectory}; starting it");
            }
            cutReached = true;
            var result = TrainOne(options, resumeThis, cancellation);
            if (result.Interrupted)
            {
                Console.Error.WriteLine("interrupted: continue with the same command and --resume");
                return CliApp.Interrupted;
            }
            var row = new ResultsTable.Row(options.Name, ResultsTable.Scores.Of(result.Final!), ResultsTable.BestNote(result.Best, result.BestEpoch, result.SelectionSplit));
            ResultsTable.Print($"{options.Name}: test accuracy (%), final epoch; run directory {result.RunDirectory}", [row]);
            rows.Add(row);
        }
        if (arguments.Has("--seeds")) ResultsTable.PrintSeedSummary(rows);
        else if (experiments.Count > 1) ResultsTable.Print("Comparison on the test split (%, final epoch of each run)", rows);
        return 0;
    }

    private static RunResult TrainOne(ExperimentOptions options, bool resume, CancellationToken cancellation)
    {
        var device = Devices.Resolve(options.Device);
        return ConsoleObserver.Render(options.Training.BatchSize,
            observer => new Trainer(options, DatasetCatalog.Load(options, observer), options.Output.Dir, observer, device).Run(cancellation, resume));
    }

    /// <summary>--seeds 0,1,2: one run per training seed, each in output.dir/seed_N (the data seed stays as configured).</summary>
    private static IEnumerable<ExperimentOptions> PerSeed(ExperimentOptions options, string? seeds)
    {
        if (seeds is null) return [options];
        var parsed = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => int.TryParse(text, out int seed) ? seed : throw new BalmsException($"--seeds: '{text}' is not an integer; expected e.g. --seeds 0,1,2"))
            .ToList();
        if (parsed.Count == 0 || parsed.Distinct().Count() != parsed.Count)
            throw new BalmsException("--seeds needs distinct integers, e.g. --seeds 0,1,2");
        return parsed.Select(seed => options with
        {
            Seed = seed,
            Output = new OutputOptions { Dir = Path.Combine(options.Output.Dir, $"seed_{seed}") },
        });
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Balms.sln"))) return directory.FullName;
        return null;
    }
}
