using System.Text;

namespace Balms.Reporting;

/// <summary>
/// A Markdown report over run directories: the results table (mean ± std over runs of one experiment) and PNG
/// figures of per-class accuracy (every run), then one figure per experiment of the Meta Sampler's learned
/// distribution (mean over runs), the confusion matrix (runs pooled) and training curves (its first run).
/// </summary>
public static class RunReport
{
    public const string MarkdownFileName = "report.md";
    public const string FigureDirectoryName = "figures";

    /// <summary>Figures drawn once per experiment (confusion matrices, curves, sampler) stop after this many experiments.</summary>
    public const int MaxExperimentsWithOwnFigures = 6;

    /// <param name="commandLine">The command that produced the report, quoted at its top.</param>
    public static ReportResult Write(IReadOnlyList<string> runDirectories, string outputDirectory, string commandLine)
    {
        if (runDirectories.Count == 0) throw new BalmsException("no run directory given; name at least one");
        var runs = runDirectories.Select(RunResultsReader.Read).ToList();
        if (runs.GroupBy(run => run.Directory).FirstOrDefault(group => group.Count() > 1) is { } repeated)
            throw new BalmsException($"run directory {repeated.Key} is given more than once; its metrics would count twice in the mean");

        string output = Path.GetFullPath(outputDirectory);
        var labelled = Label(runs);
        var figures = new List<string>();
        var markdown = new StringBuilder();
        var experiments = ExperimentSummary.Group(runs);

        markdown.AppendLine($"# Balms report: {string.Join(", ", experiments.Select(e => e.Experiment))}").AppendLine();
        markdown.AppendLine($"Produced by `{commandLine}`.").AppendLine();
        var givenPaths = runs.Zip(runDirectories).ToDictionary(pair => pair.First.Directory, pair => pair.Second);
        WriteResults(markdown, experiments, givenPaths);

        var section = new FigureSection(markdown, output, figures);
        WritePerClassAccuracy(section, labelled);
        var shown = experiments.Take(MaxExperimentsWithOwnFigures).Select((experiment, index) => new NumberedExperiment(experiment, $"experiment{index + 1}")).ToList();
        var notShown = experiments.Skip(MaxExperimentsWithOwnFigures).Select(e => e.Experiment).ToList();
        WriteSamplingDistributions(section, shown, notShown);
        WriteConfusionMatrices(section, shown, notShown);
        WriteTrainingCurves(section, shown, notShown, labelled);

        string markdownPath = Path.Combine(output, MarkdownFileName);
        WriteText(markdownPath, markdown.ToString());
        string[] warnings = Figure.HasFonts ? [] : [Figure.MissingFontsAdvice];
        return new ReportResult(markdownPath, figures, warnings);
    }

    private static void WriteResults(StringBuilder markdown, IReadOnlyList<ExperimentSummary> experiments, IReadOnlyDictionary<string, string> givenPaths)
    {
        markdown.AppendLine("## Results").AppendLine();
        markdown.AppendLine($"Test metrics of each run's final-epoch model ({RunFileNames.Metrics}): accuracies, macro F1 and expected calibration " +
                            "error in %, negative log-likelihood in nats; mean ± sample standard deviation over the runs of an " +
                            $"experiment; {ResultsTableMarkdown.Absent} where no class falls in a shot group.").AppendLine();
        markdown.Append(ResultsTableMarkdown.Render(experiments)).AppendLine();
        foreach (var experiment in experiments)
            markdown.AppendLine($"- {ResultsTableMarkdown.Escape(experiment.Experiment)}: " +
                                string.Join(", ", experiment.Runs.Select(run => $"`{givenPaths[run.Directory]}`")));
        markdown.AppendLine();
    }

    private static void WritePerClassAccuracy(FigureSection section, IReadOnlyList<LabelledRun> runs)
    {
        var counted = runs.Where(r => r.Run.ClassCounts is not null).ToList();
        if (counted.Count == 0) return;
        section.Heading("Per-class accuracy");
        section.Figure("per_class_accuracy.png", "Per-class accuracy against training images",
            "Each point is one class of one run: its test accuracy against its number of training images (log scale); the runs of an " +
            "experiment share a colour, and where an experiment has several runs a line joins their mean per class.",
            path => PerClassAccuracyPlot.Write(path, counted));
        section.NotShown(runs.Where(r => r.Run.ClassCounts is null).Select(r => r.Label), "no class counts recorded");
    }

    private static void WriteSamplingDistributions(FigureSection section, IReadOnlyList<NumberedExperiment> experiments, IReadOnlyList<string> notShown)
    {
        var balms = experiments.Where(e => e.Summary is { MeanSamplingDistribution: not null, Runs: [{ ClassCounts: not null }, ..] }).ToList();
        if (balms.Count == 0) return;
        section.Heading("Meta Sampler class distribution");
        foreach (var e in balms)
            section.Figure($"sampling_distribution_{e.FileStem}.png", $"Meta Sampler distribution of {e.Name}",
                $"The class distribution the Meta Sampler of {e.Description} learned by its last epoch, against instance-balanced (n_c / N) and class-balanced (1 / C) sampling.",
                path => SamplingDistributionPlot.Write(path, e.Summary.Runs[0].ClassCounts!, e.Summary.MeanSamplingDistribution!, e.Summary.Runs[0].Metrics.ClassNames));
        section.NotShown(notShown, "left out to keep the report short");
    }

    private static void WriteConfusionMatrices(FigureSection section, IReadOnlyList<NumberedExperiment> experiments, IReadOnlyList<string> notShown)
    {
        section.Heading("Confusion matrices");
        foreach (var e in experiments)
            section.Figure($"confusion_{e.FileStem}.png", $"Confusion matrix of {e.Name}",
                $"Test predictions of {e.Description}{(e.Summary.Runs.Count > 1 ? " (pooled)" : "")}: row = true class, column = predicted class, each row in percent of its class's test images.",
                path => ConfusionMatrixPlot.Write(path, $"Confusion matrix: {e.Name}", e.Summary.PooledConfusion, e.Summary.Runs[0].Metrics.ClassNames));
        section.NotShown(notShown, "left out to keep the report short");
    }

    private static void WriteTrainingCurves(FigureSection section, IReadOnlyList<NumberedExperiment> experiments, IReadOnlyList<string> notShown,
        IReadOnlyList<LabelledRun> runs)
    {
        var labels = runs.ToDictionary(r => r.Run.Directory, r => r.Label);
        var trained = experiments.Select(e => (Experiment: e, Run: e.Summary.Runs.FirstOrDefault(run => run.Epochs.Count > 0)))
                                 .Where(pair => pair.Run is not null).ToList();
        if (trained.Count == 0) return;
        section.Heading("Training curves");
        foreach (var (e, run) in trained)
        {
            string label = labels[run!.Directory];
            string which = e.Summary.Runs.Count > 1 ? $"{label}, one of the {e.Summary.Runs.Count} runs of {e.Name}" : label;
            section.Figure($"training_curves_{e.FileStem}.png", $"Training curves of {label}",
                $"Training loss (left axis), training accuracy and evaluation top-1 (right axis, %) per epoch of {which}.",
                path => TrainingCurvesPlot.Write(path, $"Training: {label}", run.Epochs));
        }
        section.NotShown(notShown, "left out to keep the report short");
        section.NotShown(experiments.Where(e => trained.All(t => t.Experiment != e)).Select(e => e.Name), $"no {RunFileNames.Epochs}");
    }

    /// <summary>An experiment with the stem of its figure files ("experiment2"): names need not be valid file names.</summary>
    private sealed record NumberedExperiment(ExperimentSummary Summary, string FileStem)
    {
        public string Name => Summary.Experiment;
        public string Description => Summary.Runs.Count > 1 ? $"{Name} ({Summary.Runs.Count} runs)" : Name;
    }

    /// <summary>Labels are the experiment name, with the directory's name added when several runs share the experiment.</summary>
    private static List<LabelledRun> Label(IReadOnlyList<RunResults> runs) =>
        runs.Select(run => new LabelledRun(
            runs.Count(other => other.Experiment == run.Experiment) > 1 ? $"{run.Experiment} ({Path.GetFileName(run.Directory)})" : run.Experiment,
            run)).ToList();

    private static void WriteText(string path, string text)
    {
        string directory = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BalmsException($"cannot create {directory}: {AtomicFile.Describe(e)}", e);
        }
        AtomicFile.WriteText(path, text);
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
        public void NotShown(IEnumerable<string> labels, string reason)
        {
            var listed = labels.ToList();
            if (listed.Count > 0) markdown.AppendLine($"Not shown: {string.Join(", ", listed)} ({reason}).").AppendLine();
        }
    }
}

/// <summary>Where the report went, which figures it drew, and what the user should know (e.g. missing fonts).</summary>
public sealed record ReportResult(string MarkdownPath, IReadOnlyList<string> FigurePaths, IReadOnlyList<string> Warnings);
