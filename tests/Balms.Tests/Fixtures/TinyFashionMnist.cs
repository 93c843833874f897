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
        WriteIdx(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), [count, Side, Side], pixels);
        WriteIdx(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), [count], labels);
    }

    /// <summary>IDX bytes of unsigned bytes: big-endian magic 0x0800 + the number of dimensions, their sizes, the values.</summary>
    public static byte[] Idx(int[] dimensions, byte[] values)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + values.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0800 | dimensions.Length);
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        values.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    /// <summary>Writes one gzip-compressed IDX file.</summary>
    public static void WriteIdx(string path, int[] dimensions, byte[] values)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Idx(dimensions, values));
    }
}
