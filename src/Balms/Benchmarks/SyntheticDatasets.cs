using System.Buffers.Binary;

namespace Balms.Benchmarks;

/// <summary>
/// Random-pixel datasets in the real file formats, so that the benchmark reads them through the same readers,
/// long-tail subsets and augmentation as real data without a download. Labels cycle through the classes.
/// </summary>
public static class SyntheticDatasets
{
    private const int Classes = 10;

    /// <summary>
    /// Writes a CIFAR-10 binary folder (cifar-10-batches-bin: five training batches, the test batch and the class
    /// names) under <paramref name="root"/>, holding <paramref name="trainPerClass"/> and
    /// <paramref name="testPerClass"/> images of each class; returns <paramref name="root"/>.
    /// </summary>
    public static string WriteCifar10(string root, int trainPerClass, int testPerClass, int seed)
    {
        const int trainBatches = 5, imageBytes = 32 * 32 * 3;
        string folder = Path.Combine(root, "cifar-10-batches-bin");
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        int trainImages = trainPerClass * Classes;
        for (int batch = 0; batch < trainBatches; batch++)
        {
            int first = trainImages * batch / trainBatches, end = trainImages * (batch + 1) / trainBatches;
            WriteCifarRecords(Path.Combine(folder, $"data_batch_{batch + 1}.bin"), first, end - first, imageBytes, random);
        }
        WriteCifarRecords(Path.Combine(folder, "test_batch.bin"), 0, testPerClass * Classes, imageBytes, random);
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), Enumerable.Range(0, Classes).Select(c => $"class{c}"));
        return root;
    }

    /// <summary>
    /// Writes the four gzip-compressed Fashion-MNIST IDX files (28x28 grey) into <paramref name="directory"/>;
    /// returns <paramref name="directory"/>.
    /// </summary>
    public static string WriteFashionMnist(string directory, int trainPerClass, int testPerClass, int seed)
    {
        const int side = 28;
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        foreach (var (prefix, perClass) in new[] { ("train", trainPerClass), ("t10k", testPerClass) })
        {
            int count = perClass * Classes;
            var pixels = new byte[count * side * side];
            random.NextBytes(pixels);
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % Classes)).ToArray();
            WriteIdx(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), 0x803, [count, side, side], pixels);
            WriteIdx(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), 0x801, [count], labels);
        }
        return directory;
    }

    private static void WriteCifarRecords(string path, int firstIndex, int count, int imageBytes, Random random)
    {
        var record = new byte[1 + imageBytes];
        using var file = File.Create(path);
        for (int i = 0; i < count; i++)
        {
            record[0] = (byte)((firstIndex + i) % Classes);
            random.NextBytes(record.AsSpan(1));
            file.Write(record);
        }
    }

    private static void WriteIdx(string path, int magic, int[] dimensions, byte[] values)
    {
        using var file = File.Create(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        var header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        gzip.Write(header);
        gzip.Write(values);
    }
}
