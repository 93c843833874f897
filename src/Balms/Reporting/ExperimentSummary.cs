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

    /// <summary>The test confusion counts of all runs added up (rows = true class), for one figure per experiment.</summary>
    public IReadOnlyList<IReadOnlyList<long>> PooledConfusion =>
        Runs.Select(run => run.Metrics.Confusion)
            .Aggregate((total, next) => total.Zip(next, (a, b) => (IReadOnlyList<long>)a.Zip(b, (x, y) => x + y).ToArray()).ToList());

    /// <summary>The Meta Sampler's final class distribution averaged over the runs that learned one; null if none did.</summary>
    public IReadOnlyList<double>? MeanSamplingDistribution
    {
        get
        {
            var learned = Runs.Select(run => run.SamplingDistribution).OfType<IReadOnlyList<double>>().ToList();
            return learned.Count == 0 ? null : Enumerable.Range(0, learned[0].Count).Select(c => learned.Average(d => d[c])).ToArray();
        }
    }

    /// <summary>
    /// One summary per experiment name, in the order the experiments first appear. Runs of one experiment must have
    /// the same classes and class counts, since the figures pool them.
    /// </summary>
    public static IReadOnlyList<ExperimentSummary> Group(IEnumerable<RunResults> runs) =>
        runs.GroupBy(run => run.Experiment, StringComparer.Ordinal)
            .Select(group => new ExperimentSummary(group.Key, Consistent(group.Key, group.ToList())))
            .ToList();

    private static List<RunResults> Consistent(string experiment, List<RunResults> runs)
    {
        var first = runs[0];
        var different = runs.FirstOrDefault(run => !run.Metrics.ClassNames.SequenceEqual(first.Metrics.ClassNames)
                                                   || !(run.ClassCounts ?? []).SequenceEqual(first.ClassCounts ?? []));
        if (different is not null)
            throw new BalmsException($"runs {first.Directory} and {different.Directory} share the experiment name '{experiment}' but not their classes " +
                                     "or class counts; give them different names (name: in the config)");
        // Mean ± std over runs of different settings would pass for a spread over seeds.
        foreach (var run in runs.Where(run => run.Settings is not null && first.Settings is not null))
        {
            int differs = Enumerable.Range(0, Math.Max(run.Settings!.Count, first.Settings!.Count))
                .FirstOrDefault(i => i >= run.Settings.Count || i >= first.Settings.Count || run.Settings[i] != first.Settings[i], -1);
            if (differs >= 0)
                throw new BalmsException($"runs {first.Directory} and {run.Directory} share the experiment name '{experiment}' but were trained " +
                                         $"with different settings ({Line(first.Settings, differs)} against {Line(run.Settings, differs)}); give them different names (name: in the config)");
        }
        return runs;
    }

    private static string Line(IReadOnlyList<string> settings, int index) => index < settings.Count ? $"'{settings[index].Trim()}'" : "nothing";

    private MeanStd? Over(Func<RunMetrics, double?> metric) => MeanStd.Of(Runs.Select(run => metric(run.Metrics)));
}
