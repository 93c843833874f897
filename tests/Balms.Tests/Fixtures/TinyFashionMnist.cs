using System.Buffers.Binary;
using System.IO.Compression;

namespace Balms.Tests.Fixtures;

/// <summary>
/// Writes a small, easily learnable dataset in the real Fashion-MNIST IDX format (gzip): the pixels of class c are
/// uniform noise in [20c, 20c + 60), so the class is the image's mean brightness. Unlike a shape or a position, that
/// survives the training transform's random crop and flip, so a few epochs learn it well above chance.
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
            for (int pixel = 0; pixel < Side * Side; pixel++)
                pixels[i * Side * Side + pixel] = (byte)(20 * label + random.Next(60));
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
