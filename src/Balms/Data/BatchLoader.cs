using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Data;

/// <summary>A batch on the training device. Owned by the caller, who disposes it.</summary>
public sealed class Batch(Tensor images, Tensor labels, int[] indices) : IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;
    /// <summary>Dataset indices of the rows, in order.</summary>
    public int[] Indices { get; } = indices;
    public int Size => Indices.Length;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Decodes and augments batches on background threads, ahead of the training step. Every sample's augmentation
/// randomness comes from (seed, epoch, step, row), so the result does not depend on thread timing and a batch can be
/// rebuilt exactly after a resume. Tensors are created on the consuming thread only.
/// </summary>
public sealed class BatchLoader(ImageDataset dataset, int workers, int prefetch, int seed, Device device)
{
    private sealed record HostBatch(float[] Pixels, long[] Labels, int[] Indices);

    public ImageDataset Dataset => dataset;

    /// <summary>Loads one batch now, decoding its samples in parallel.</summary>
    public Batch Load(int[] indices, long epoch, long step) => ToDevice(Prepare(indices, epoch, step));

    /// <summary>
    /// The batches of <paramref name="indexBatches"/> (numbered from <paramref name="firstStep"/>), prepared up to
    /// <c>prefetch</c> batches ahead on a background thread.
    /// </summary>
    public IEnumerable<Batch> Stream(IEnumerable<int[]> indexBatches, long epoch, long firstStep = 0,
        CancellationToken cancellation = default)
    {
        using var queue = new BlockingCollection<HostBatch>(prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Exception? failure = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                long step = firstStep;
                foreach (var indices in indexBatches)
                {
                    if (stop.IsCancellationRequested) break;
                    queue.Add(Prepare(indices, epoch, step++), stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }, TaskCreationOptions.LongRunning);

        try
        {
            foreach (var host in queue.GetConsumingEnumerable())
                yield return ToDevice(host);
            if (failure is not null) throw failure is BalmsException ? failure : new DataException($"loading a batch failed: {failure.Message}", failure);
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
        }
    }

    /// <summary>Fixed-order batches over the whole dataset, the last one possibly smaller (for evaluation).</summary>
    public static IEnumerable<int[]> Sequential(int count, int batchSize)
    {
        for (int start = 0; start < count; start += batchSize)
            yield return Enumerable.Range(start, Math.Min(batchSize, count - start)).ToArray();
    }

    private HostBatch Prepare(int[] indices, long epoch, long step)
    {
        var shape = dataset.Transform.OutputShape;
        var pixels = new float[indices.Length * shape.Length];
        var labels = new long[indices.Length];
        void PrepareRow(int row)
        {
            int index = indices[row];
            RawImage image;
            try
            {
                image = dataset.Source.Read(index);
            }
            catch (Exception e) when (e is not BalmsException)
            {
                throw new DataException($"cannot read {dataset.Source.Describe(index)}: {e.Message}", e);
            }
            var random = Seeds.Random(seed, epoch, step, row);
            dataset.Transform.Apply(image, random, pixels.AsSpan(row * shape.Length, shape.Length));
            labels[row] = dataset.Labels[index];
        }
        if (workers <= 1)
            for (int row = 0; row < indices.Length; row++) PrepareRow(row);
        else
        {
            try
            {
                Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, PrepareRow);
            }
            catch (AggregateException e)
            {
                throw e.InnerExceptions[0];
            }
        }
        return new HostBatch(pixels, labels, indices);
    }

    private Batch ToDevice(HostBatch host)
    {
        var shape = dataset.Transform.OutputShape;
        var images = torch.tensor(host.Pixels, [host.Indices.Length, shape.Channels, shape.Height, shape.Width]);
        var labels = torch.tensor(host.Labels);
        if (device.type != DeviceType.CPU)
        {
            images = images.to(device, disposeAfter: true);
            labels = labels.to(device, disposeAfter: true);
        }
        return new Batch(images, labels, host.Indices);
    }
}
