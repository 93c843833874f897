using System.Buffers.Binary;
using System.IO.Compression;

namespace Balms.Tests.Fixtures;

/// <summary>
/// Writes a small, easily learnable dataset in the real Fashion-MNIST IDX format (gzip): class c is a bright
/// horizontal band at rows 2c+2..2c+5 on a noisy background, so a few training steps visibly lower the loss.
/// </summary>
public static class TinyFashionMnist
{
    public const int Side = 28;

    public static string Write(string directory, int trainPerClass = 40, int testPerClass = 8, int seed = 0)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        Write(directory, "train", trainPerClass, random);
        Write(directory, "t10k", testPerClass, random);
        return directory;
    }

    private static void Write(string directory, string prefix, int perClass, Random random)
    {
        int count = perClass * 10;
        var labels = new byte[count];
        var pixels = new byte[count * Side * Side];
        for (int i = 0; i < count; i++)
        {
            // Interleave classes the way the real files do (not sorted by class).
            int label = i % 10;
            labels[i] = (byte)label;
            for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                bool band = y >= 2 * label + 2 && y < 2 * label + 6;
                pixels[i * Side * Side + y * Side + x] = (byte)(band ? 200 + random.Next(56) : random.Next(60));
            }
        }
        WriteIdx(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), 0x803, [count, Side, Side], pixels);
        WriteIdx(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), 0x801, [count], labels);
    }

    /// <summary>Writes one gzip-compressed IDX file (big-endian magic and dimensions, then the bytes).</summary>
    public static void WriteIdx(string path, int magic, int[] dimensions, byte[] values)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        var header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        gzip.Write(header);
        gzip.Write(values);
    }
}
