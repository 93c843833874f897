namespace Balms.Reporting;

/// <summary>The runs that share an experiment name (e.g. seeds) and their metrics as mean ± std.</summary>
public sealed class ExperimentSummary
{
    private ExperimentSummary(string experiment, IReadOnlyList<RunResults> runs)
    {
        Experiment = experiment;
        Runs = runs;
    }

    public string Experiment { get; }
    public IReadOnlyList<RunResults> Runs { get; }

    public MeanStd? Top1 => Over(m => m.Top1);
    public MeanStd? Many => Over(m => m.Many);
    public MeanStd? Medium => Over(m => m.Medium);
    public MeanStd? Few => Over(m => m.Few);
    public MeanStd? MacroF1 => Over(m => m.MacroF1);
    public MeanStd? Ece => Over(m => m.Ece);
    public MeanStd? Nll => Over(m => m.Nll);

    /// <summary>One summary per experiment name, in the order the experiments first appear.</summary>
    public static IReadOnlyList<ExperimentSummary> Group(IEnumerable<RunResults> runs) =>
        runs.GroupBy(run => run.Experiment, StringComparer.Ordinal)
            .Select(group => new ExperimentSummary(group.Key, group.ToList()))
            .ToList();

    private MeanStd? Over(Func<RunMetrics, double?> metric) => MeanStd.Of(Runs.Select(run => metric(run.Metrics)));
}
