using System.Text.RegularExpressions;
using Balms.Cli;
using Balms.Data;
using Balms.Reporting;
using Balms.Tests.Fixtures;
using SkiaSharp;

namespace Balms.Tests.Reporting;

/// <summary>Two seeds of one experiment and one BALMS run, reported once for all tests of the class.</summary>
public sealed class ReportFixture : IDisposable
{
    public ReportFixture()
    {
        RunDirectories =
        [
            FakeRuns.Write(Root, "seed0", "softmax", new(0.50, 0.70, 0.40, null, 0.45, 0.10, 1.2)),
            FakeRuns.Write(Root, "seed1", "softmax", new(0.56, 0.74, 0.46, null, 0.49, 0.06, 1.0)),
            FakeRuns.Write(Root, "balms", "balms", new(0.61, 0.65, 0.58, 0.35, 0.55, 0.045, 0.95), lastSamplingRow: [0.5, 0.3, 0.2]),
        ];
        OutputDirectory = Path.Combine(Root, "report");
        Result = RunReport.Write(RunDirectories, OutputDirectory, "./balms report seed0 seed1 balms");
        Markdown = File.ReadAllText(Result.MarkdownPath);
    }

    private readonly TempDirectory _temp = new();

    public string Root => _temp.Path;
    public string[] RunDirectories { get; }
    public string OutputDirectory { get; }
    public ReportResult Result { get; }
    public string Markdown { get; }

    public void Dispose() => _temp.Dispose();
}

public class RunReportTests(ReportFixture report) : IClassFixture<ReportFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void TableShowsMeanAndSampleStdOverSeedsInPercent()
    {
        // softmax: top-1 50 and 56 -> mean 53, sample std sqrt((3^2 + 3^2) / 1) = 4.243; many 70/74 -> 72 ± 2.828;
        // medium 40/46 -> 43 ± 4.243; macro F1 45/49 -> 47 ± 2.828; ECE 10/6 -> 8 ± 2.828; NLL 1.2/1.0 -> 1.1 ± 0.1414.
        Assert.Contains("| softmax | 2 | 53.00 ± 4.24 | 72.00 ± 2.83 | 43.00 ± 4.24 | – | 47.00 ± 2.83 | 8.00 ± 2.83 | 1.100 ± 0.141 |", report.Markdown);
        Assert.Contains("| balms | 1 | 61.00 | 65.00 | 58.00 | 35.00 | 55.00 | 4.50 | 0.950 |", report.Markdown);
    }

    [Fact]
    public void MarkdownHasTitleCommandTableThenFigures()
    {
        string[] lines = report.Markdown.Split('\n');
        Assert.Equal("# Balms report: softmax, balms", lines[0]);
        Assert.Contains("Produced by `./balms report seed0 seed1 balms`.", report.Markdown);
        int table = report.Markdown.IndexOf("| experiment | runs |", StringComparison.Ordinal);
        int firstFigure = report.Markdown.IndexOf("![", StringComparison.Ordinal);
        Assert.InRange(table, 0, firstFigure);
        // Each figure is followed by one sentence saying what it shows.
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("![", StringComparison.Ordinal))
                Assert.Matches(@"^[A-Z].*\.$", lines[i + 2]);
        // Seeds of one experiment are told apart by their directory; per-experiment figures say how many runs they cover.
        Assert.Contains("Training curves of softmax (seed0)", report.Markdown);
        Assert.Contains("of softmax (seed0), one of the 2 runs of softmax.", report.Markdown);
        Assert.Contains("Test predictions of softmax (2 runs) (pooled)", report.Markdown);
    }

    [Fact]
    public void EveryReferencedFigureIsAPngOfTheExpectedSize()
    {
        string[] links = Regex.Matches(report.Markdown, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(
            ["per_class_accuracy.png", "sampling_distribution_experiment2.png", "confusion_experiment1.png", "confusion_experiment2.png",
             "training_curves_experiment1.png", "training_curves_experiment2.png"],
            links.Select(Path.GetFileName));
        Assert.Equal(links.Length, report.Result.FigurePaths.Count);
        foreach (string link in links)
        {
            string path = Path.Combine(report.OutputDirectory, link);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(PngSignature, bytes.Take(8));
            Assert.True(bytes.Length > 10_000, $"{link} has only {bytes.Length} bytes");
            using var bitmap = SKBitmap.Decode(path);
            Assert.NotNull(bitmap);
            bool confusion = link.Contains("confusion");
            Assert.Equal(confusion ? ConfusionMatrixPlot.Width : Figure.Width, bitmap.Width);
            Assert.Equal(confusion ? ConfusionMatrixPlot.Height : Figure.Height, bitmap.Height);
        }
    }

    [Fact]
    public void FigureTextIsRendered()
    {
        Assert.True(Figure.HasFonts, Figure.MissingFontsAdvice);
        Assert.Empty(report.Result.Warnings);
        // The title is the only thing drawn in the top band of the figure: with no usable font the band stays blank.
        using var bitmap = SKBitmap.Decode(Path.Combine(report.OutputDirectory, RunReport.FigureDirectoryName, "per_class_accuracy.png"));
        int darkPixels = 0;
        for (int y = 0; y < 30; y++)
        for (int x = 0; x < bitmap.Width; x++)
            if (bitmap.GetPixel(x, y).Red < 128) darkPixels++;
        Assert.True(darkPixels > 100, $"only {darkPixels} dark pixels where the title should be");
    }

    [Fact]
    public void ReaderTakesTheLastSamplerRowAndTheEvaluatedEpochs()
    {
        var balms = RunResultsReader.Read(report.RunDirectories[2]);
        Assert.Equal("balms", balms.Experiment);
        Assert.Equal([0.5, 0.3, 0.2], balms.SamplingDistribution);
        Assert.Equal(FakeRuns.ClassCounts, balms.ClassCounts);
        Assert.Equal([1, 2, 3], balms.Epochs.Select(e => e.Epoch));
        Assert.Equal([null, null, 0.61], balms.Epochs.Select(e => e.EvalTop1));
        Assert.Equal(0.62, balms.Epochs[^1].TrainAccuracy);
        Assert.Null(RunResultsReader.Read(report.RunDirectories[0]).SamplingDistribution);
    }

    [Fact]
    public void DirectoryWithoutMetricsIsRejectedInOneLineNamingIt()
    {
        string notARun = Directory.CreateDirectory(Path.Combine(report.Root, "not-a-run")).FullName;
        var error = Assert.Throws<DataException>(() =>
            ReportCommand.Run(Arguments.Parse([report.RunDirectories[0], notARun, "--output", Path.Combine(report.Root, "unused")]), CancellationToken.None));
        Assert.Equal($"{notARun} is not a run directory: it holds no metrics.json", error.Message);

        Assert.Equal(CliApp.UserError, CliApp.Run(["report", notARun, "--output", Path.Combine(report.Root, "unused")]));
        Assert.False(Directory.Exists(Path.Combine(report.Root, "unused")));

        string missing = Path.Combine(report.Root, "missing");
        error = Assert.Throws<DataException>(() => RunResultsReader.Read(missing));
        Assert.Equal($"{missing} is not a run directory: it does not exist", error.Message);

        string unfinished = Directory.CreateDirectory(Path.Combine(report.Root, "unfinished", "checkpoints")).Parent!.FullName;
        File.WriteAllText(Path.Combine(unfinished, "checkpoints", "latest.safetensors"), "");
        error = Assert.Throws<DataException>(() => RunResultsReader.Read(unfinished));
        Assert.Contains("has not finished", error.Message);
        Assert.Contains("--resume", error.Message);
    }

    [Fact]
    public void MissingMetricNamesTheFileAndKey()
    {
        string run = FakeRuns.Write(report.Root, "broken", "broken", new(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5));
        string metrics = Path.Combine(run, "metrics.json");
        File.WriteAllText(metrics, File.ReadAllText(metrics).Replace("\"nll\"", "\"nll_typo\""));
        var error = Assert.Throws<DataException>(() => RunResultsReader.Read(run));
        Assert.Equal($"{metrics} has no 'nll'; expected a number or null", error.Message);
    }

    [Fact]
    public void AClassWithoutTestImagesIsReportedWithoutAnAccuracy()
    {
        // eval and train write null for a class with no test image (a one-image class of an image folder).
        string run = FakeRuns.Write(report.Root, "no_test_eel", "no_test_eel", new(0.75, 0.9, 0.6, null, 0.7, 0.1, 1.0),
            confusion: "[[9, 1, 0], [3, 6, 1], [0, 0, 0]]", perClass: "[0.9, 0.6, null]");

        var read = RunResultsReader.Read(run);
        Assert.Equal([0.9, 0.6, null], read.Metrics.PerClass);

        var written = RunReport.Write([run, report.RunDirectories[0]], Path.Combine(report.Root, "with_null"), "./balms report");
        Assert.True(File.Exists(written.MarkdownPath));
        Assert.True(File.Exists(Path.Combine(report.Root, "with_null", RunReport.FigureDirectoryName, "per_class_accuracy.png")));
    }

    [Fact]
    public void RunsOfOneNameMustShareTheirSettingsButNotTheirSeeds()
    {
        string Run(string directory, int seed, double imbalanceFactor)
        {
            string run = FakeRuns.Write(report.Root, directory, "pooled", new(0.5, 0.5, 0.5, 0.5, 0.5, 0.1, 1.0));
            File.WriteAllText(Path.Combine(run, "config.yaml"),
                $"name: pooled\nseed: {seed}\ndevice: cpu\ndata:\n  dataset: fake\n  root: /data/{directory}\n  imbalance_factor: {imbalanceFactor}\noutput:\n  dir: {run}\n");
            return run;
        }
        string[] seeds = [Run("pooled_a", 0, 100), Run("pooled_b", 1, 100)];
        Assert.Equal(2, Assert.Single(ExperimentSummary.Group(seeds.Select(RunResultsReader.Read))).Runs.Count);

        string other = Run("pooled_c", 2, 10);
        var error = Assert.Throws<BalmsException>(() => ExperimentSummary.Group(seeds.Append(other).Select(RunResultsReader.Read)));
        Assert.Contains("'imbalance_factor: 100' against 'imbalance_factor: 10'", error.Message);
    }

    [Fact]
    public void ARunGivenTwiceUnderAnotherSpellingIsRefused()
    {
        string run = report.RunDirectories[0];
        string sameRun = Path.Combine(report.Root, "..", Path.GetFileName(report.Root), Path.GetFileName(run)) + Path.DirectorySeparatorChar;

        var error = Assert.Throws<BalmsException>(() => RunReport.Write([run, sameRun], Path.Combine(report.Root, "twice"), "./balms report"));

        Assert.Contains("is given more than once", error.Message);
    }

    [Fact]
    public void SamplingDistributionPlotChecksLengthsAndWritesAPng()
    {
        string png = Path.Combine(report.Root, "alone", "sampler.png");
        Assert.Throws<BalmsException>(() => SamplingDistributionPlot.Write(png, FakeRuns.ClassCounts, [0.5, 0.5], FakeRuns.ClassNames));
        Assert.False(File.Exists(png));

        SamplingDistributionPlot.Write(png, FakeRuns.ClassCounts, [0.5, 0.3, 0.2], FakeRuns.ClassNames);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((Figure.Width, Figure.Height), (bitmap.Width, bitmap.Height));
    }
}
