using System.Text;

namespace Balms.Reporting;

/// <summary>
/// A Markdown report over run directories: the results table (mean ± std over runs of one experiment) and PNG
/// figures of per-class accuracy, the Meta Sampler's learned distribution, confusion matrices and training curves.
/// </summary>
public static class RunReport
{
    public const string MarkdownFileName = "report.md";
    public const string FigureDirectoryName = "figures";

    /// <summary>Figures drawn once per run (confusion matrices, curves, sampler) stop after this many runs.</summary>
    public const int MaxRunsWithOwnFigures = 4;

    /// <param name="commandLine">The command that produced the report, quoted at its top.</param>
    public static ReportResult Write(IReadOnlyList<string> runDirectories, string outputDirectory, string commandLine)
    {
        if (runDirectories.Count == 0) throw new BalmsException("no run directory given; name at least one");
        var runs = runDirectories.Select(RunResultsReader.Read).ToList();
        if (runs.GroupBy(run => run.Directory).FirstOrDefault(group => group.Count() > 1) is { } repeated)
            throw new BalmsException($"run directory {repeated.Key} is given more than once; its metrics would count twice in the mean");

        string output = Path.GetFullPath(outputDirectory);
        var numbered = Number(runs);
        var figures = new List<string>();
        var markdown = new StringBuilder();
        var experiments = ExperimentSummary.Group(runs);

        markdown.AppendLine($"# Balms report: {string.Join(", ", experiments.Select(e => e.Experiment))}").AppendLine();
        markdown.AppendLine($"Produced by `{commandLine}`.").AppendLine();
        var givenPaths = runs.Zip(runDirectories).ToDictionary(pair => pair.First.Directory, pair => pair.Second);
        WriteResults(markdown, experiments, givenPaths);

        var section = new FigureSection(markdown, output, figures);
        WritePerClassAccuracy(section, numbered);
        WriteSamplingDistributions(section, numbered);
        WriteConfusionMatrices(section, numbered);
        WriteTrainingCurves(section, numbered);

        string markdownPath = Path.Combine(output, MarkdownFileName);
        WriteText(markdownPath, markdown.ToString());
        string[] warnings = Figure.HasFonts ? [] : [Figure.MissingFontsAdvice];
        return new ReportResult(markdownPath, figures, warnings);
    }

    private static void WriteResults(StringBuilder markdown, IReadOnlyList<ExperimentSummary> experiments, IReadOnlyDictionary<string, string> givenPaths)
    {
        markdown.AppendLine("## Results").AppendLine();
        markdown.AppendLine("Test metrics of each run's final-epoch model (metrics.json): accuracies, macro F1 and expected calibration " +
                            "error in %, negative log-likelihood in nats; mean ± sample standard deviation over the runs of an " +
                            $"experiment; {ResultsTableMarkdown.Absent} where no class falls in a shot group.").AppendLine();
        markdown.Append(ResultsTableMarkdown.Render(experiments)).AppendLine();
        foreach (var experiment in experiments)
            markdown.AppendLine($"- {ResultsTableMarkdown.Escape(experiment.Experiment)}: " +
                                string.Join(", ", experiment.Runs.Select(run => $"`{givenPaths[run.Directory]}`")));
        markdown.AppendLine();
    }

    private static void WritePerClassAccuracy(FigureSection section, IReadOnlyList<NumberedRun> runs)
    {
        var counted = runs.Where(r => r.Run.ClassCounts is not null).Select(r => r.Labelled).ToList();
        if (counted.Count == 0) return;
        section.Heading("Per-class accuracy");
        section.Figure("per_class_accuracy.png", "Per-class accuracy against training images",
            "Each point is one class: its test accuracy against its number of training images (log scale), one colour and marker per run.",
            path => PerClassAccuracyPlot.Write(path, counted));
        section.NoteRuns(runs.Where(r => r.Run.ClassCounts is null), "no class counts recorded");
    }

    private static void WriteSamplingDistributions(FigureSection section, IReadOnlyList<NumberedRun> runs)
    {
        var balms = runs.Where(r => r.Run is { SamplingDistribution: not null, ClassCounts: not null }).ToList();
        if (balms.Count == 0) return;
        section.Heading("Meta Sampler class distribution");
        foreach (var r in balms.Take(MaxRunsWithOwnFigures))
            section.Figure($"sampling_distribution_{r.FileStem}.png", $"Meta Sampler distribution of {r.Label}",
                $"The class distribution the Meta Sampler of {r.Label} learned by its last epoch, against instance-balanced (n_c / N) and class-balanced (1 / C) sampling.",
                path => SamplingDistributionPlot.Write(path, r.Run.ClassCounts!, r.Run.SamplingDistribution!, r.Run.Metrics.ClassNames));
        section.NoteRuns(balms.Skip(MaxRunsWithOwnFigures), "left out to keep the report short");
    }

    private static void WriteConfusionMatrices(FigureSection section, IReadOnlyList<NumberedRun> runs)
    {
        section.Heading("Confusion matrices");
        foreach (var r in runs.Take(MaxRunsWithOwnFigures))
            section.Figure($"confusion_{r.FileStem}.png", $"Confusion matrix of {r.Label}",
                $"Test predictions of {r.Label}: row = true class, column = predicted class, each row in percent of its class's test images.",
                path => ConfusionMatrixPlot.Write(path, $"Confusion matrix: {r.Label}", r.Run.Metrics.Confusion, r.Run.Metrics.ClassNames));
        section.NoteRuns(runs.Skip(MaxRunsWithOwnFigures), "left out to keep the report short");
    }

    private static void WriteTrainingCurves(FigureSection section, IReadOnlyList<NumberedRun> runs)
    {
        var trained = runs.Where(r => r.Run.Epochs.Count > 0).ToList();
        if (trained.Count == 0) return;
        section.Heading("Training curves");
        foreach (var r in trained.Take(MaxRunsWithOwnFigures))
            section.Figure($"training_curves_{r.FileStem}.png", $"Training curves of {r.Label}",
                $"Training loss (left axis), training accuracy and evaluation top-1 (right axis, %) of {r.Label} per epoch.",
                path => TrainingCurvesPlot.Write(path, $"Training: {r.Label}", r.Run.Epochs));
        section.NoteRuns(trained.Skip(MaxRunsWithOwnFigures), "left out to keep the report short");
        section.NoteRuns(runs.Where(r => r.Run.Epochs.Count == 0), "no epochs.csv");
    }

    /// <summary>
    /// Labels are the experiment name, with the directory's name added when several runs share the experiment; figure
    /// files are named after the run's position on the command line ("run2"), as labels need not be valid file names.
    /// </summary>
    private static List<NumberedRun> Number(IReadOnlyList<RunResults> runs) =>
        runs.Select((run, index) => new NumberedRun(new LabelledRun(
            runs.Count(other => other.Experiment == run.Experiment) > 1 ? $"{run.Experiment} ({Path.GetFileName(run.Directory)})" : run.Experiment,
            run), $"run{index + 1}")).ToList();

    private sealed record NumberedRun(LabelledRun Labelled, string FileStem)
    {
        public string Label => Labelled.Label;
        public RunResults Run => Labelled.Run;
    }

    private static void WriteText(string path, string text)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BalmsException($"cannot write {path}: {e.Message}", e);
        }
    }

    /// <summary>Appends figures to the Markdown: heading, image link, one sentence; renders each PNG on the way.</summary>
    private sealed class FigureSection(StringBuilder markdown, string outputDirectory, List<string> figures)
    {
        public void Heading(string title) => markdown.AppendLine($"## {title}").AppendLine();

        public void Figure(string fileName, string altText, string caption, Action<string> render)
        {
            string relative = $"{FigureDirectoryName}/{fileName}";
            string path = Path.Combine(outputDirectory, FigureDirectoryName, fileName);
            render(path);
            figures.Add(path);
            markdown.AppendLine($"![{altText}]({relative})").AppendLine();
            markdown.AppendLine(caption).AppendLine();
        }

        /// <summary>A line naming the runs a section leaves out and why (nothing when there are none).</summary>
        public void NoteRuns(IEnumerable<NumberedRun> runs, string reason)
        {
            var labels = runs.Select(r => r.Label).ToList();
            if (labels.Count > 0) markdown.AppendLine($"Not shown: {string.Join(", ", labels)} ({reason}).").AppendLine();
        }
    }
}

/// <summary>Where the report went, which figures it drew, and what the user should know (e.g. missing fonts).</summary>
public sealed record ReportResult(string MarkdownPath, IReadOnlyList<string> FigurePaths, IReadOnlyList<string> Warnings);
