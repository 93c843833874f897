using ScottPlot;
using ScottPlot.TickGenerators;

namespace Balms.Reporting;

/// <summary>Per-epoch training loss (left axis) with training accuracy and evaluation top-1 in percent (right axis).</summary>
public static class TrainingCurvesPlot
{
    public static void Write(string pngPath, string title, IReadOnlyList<EpochRecord> epochs)
    {
        if (epochs.Count == 0) throw new BalmsException($"cannot plot training curves for {pngPath}: there are no epochs");
        var plot = Figure.Create(title, "epoch", "training loss");
        double[] xs = epochs.Select(e => (double)e.Epoch).ToArray();

        var loss = plot.Add.Scatter(xs, epochs.Select(e => e.TrainLoss).ToArray(), Figure.SeriesColor(0));
        loss.LegendText = "training loss";

        var accuracy = plot.Add.Scatter(xs, epochs.Select(e => 100 * e.TrainAccuracy).ToArray(), Figure.SeriesColor(1));
        accuracy.LegendText = "training accuracy (%)";
        accuracy.Axes.YAxis = plot.Axes.Right;

        var evaluated = epochs.Where(e => e.EvalTop1 is not null).ToArray();
        if (evaluated.Length > 0)
        {
            var top1 = plot.Add.Scatter(evaluated.Select(e => (double)e.Epoch).ToArray(),
                evaluated.Select(e => 100 * e.EvalTop1!.Value).ToArray(), Figure.SeriesColor(2));
            top1.LegendText = "evaluation top-1 (%)";
            top1.MarkerShape = Figure.SeriesMarker(1);
            top1.MarkerSize = 8;
            top1.LinePattern = LinePattern.Dashed;
            top1.Axes.YAxis = plot.Axes.Right;
        }

        plot.Axes.Right.Label.Text = "accuracy (%)";
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Bottom);
        Figure.SavePng(plot, pngPath);
    }
}
