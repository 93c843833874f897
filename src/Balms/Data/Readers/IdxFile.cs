using System.Buffers.Binary;

namespace Balms.Data.Readers;

/// <summary>
/// The IDX format of (Fashion-)MNIST: a big-endian magic 0x0000TTDD (TT = 0x08 for unsigned bytes, DD = number of
/// dimensions), DD big-endian int32 sizes, then the values in row-major order. Files may be gzip-compressed.
/// </summary>
internal static class IdxFile
{
    private const int UnsignedByteType = 0x08;

    /// <summary>Reads an N x rows x cols image file (magic 0x00000803).</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (values, dims) = Read(path, dimensionCount: 3);
        return (values, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads an N-entry label file (magic 0x00000801).</summary>
    public static byte[] ReadLabels(string path) => Read(path, dimensionCount: 1).Values;

    private static (byte[] Values, int[] Dimensions) Read(string path, int dimensionCount)
    {
        using var stream = DataFile.OpenMaybeGzipped(path);
        return DataFile.Guard(path, () =>
        {
            Span<byte> word = stackalloc byte[4];
            stream.ReadExactly(word);
            int magic = BinaryPrimitives.ReadInt32BigEndian(word);
            int expectedMagic = (UnsignedByteType << 8) | dimensionCount;
            if (magic != expectedMagic)
                throw new DataException(
                    $"{path}: bad IDX magic 0x{magic:X8}, expected 0x{expectedMagic:X8} (unsigned bytes, {dimensionCount}-D)");

            var dimensions = new int[dimensionCount];
            long total = 1;
            for (int d = 0; d < dimensionCount; d++)
            {
                stream.ReadExactly(word);
                dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (dimensions[d] < 0 || (d > 0 && dimensions[d] == 0))
                    throw new DataException($"{path}: invalid IDX dimension {d} of size {dimensions[d]}");
                total *= dimensions[d];
                if (total > Array.MaxLength)
                    throw new DataException($"{path}: IDX dimensions {string.Join(" x ", dimensions[..(d + 1)])} are too large");
            }

            var values = new byte[total];
            stream.ReadExactly(values);
            if (stream.ReadByte() != -1)
                throw new DataException(
                    $"{path}: file is longer than its IDX header says ({string.Join(" x ", dimensions)} bytes of data)");
            return (values, dimensions);
        });
    }
}
