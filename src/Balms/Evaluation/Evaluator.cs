using Balms.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Evaluation;

/// <summary>
/// Runs a model over a split (eval mode, no gradients) and computes its metrics. Prediction is plain argmax. A pass
/// cancelled before its last image throws <see cref="OperationCanceledException"/>.
/// </summary>
public static class Evaluator
{
    /// <summary>Batch size of every pass without gradients (evaluation, cached BALMS meta features).</summary>
    public const int BatchSize = 256;

    public static ClassificationMetrics Evaluate(nn.Module<Tensor, Tensor> model, BatchLoader loader,
        IReadOnlyList<long> trainingCounts, string split, IPassObserver observer, CancellationToken cancellation = default)
    {
        int n = loader.Dataset.Count;
        var labels = new List<int>(n);
        var predicted = new List<int>(n);
        var confidence = new List<double>(n);
        var trueLogProbability = new List<double>(n);
        bool wasTraining = model.training;
        model.eval();
        observer.PassStarted($"evaluating on {split}", n);
        try
        {
            // Inference mode rather than no_grad: the outputs are only read, so libtorch can skip version counters and
            // view tracking as well as the graph.
            using var inference = torch.inference_mode();
            foreach (var batch in loader.Stream(BatchLoader.Sequential(n, BatchSize), epoch: 0, cancellation: cancellation))
            {
                using var scope = torch.NewDisposeScope();
                using var owned = batch;
                var logProbabilities = model.call(batch.Images).log_softmax(1);
                var (maxLog, argmax) = logProbabilities.max(1);
                var trueLog = logProbabilities.gather(1, batch.Labels.unsqueeze(1)).squeeze(1);
                labels.AddRange(batch.Labels.cpu().data<long>().Select(l => (int)l));
                predicted.AddRange(argmax.cpu().data<long>().Select(p => (int)p));
                confidence.AddRange(maxLog.exp().to(ScalarType.Float64).cpu().data<double>());
                trueLogProbability.AddRange(trueLog.to(ScalarType.Float64).cpu().data<double>());
                observer.PassProgress(labels.Count);
            }
            // A cancelled stream ends early; metrics of part of the split would pass for the whole split's.
            if (labels.Count < n) cancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            model.train(wasTraining);
        }
        return ClassificationMetrics.Compute(labels, predicted, confidence, trueLogProbability, trainingCounts);
    }
}
