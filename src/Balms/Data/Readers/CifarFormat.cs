namespace Balms.Data.Readers;

/// <summary>
/// One of the two official CIFAR distributions: where its files are and how to parse them. Every image is stored as
/// 3072 bytes: the 1024 red values, then green, then blue, each plane a row-major 32x32 grid.
/// </summary>
internal abstract class CifarFormat(CifarVariant variant)
{
    public const int Side = 32;
    public const int Channels = 3;
    public const int ImageBytes = Side * Side * Channels;

    public CifarVariant Variant { get; } = variant;
    protected int ClassCount => Variant.ClassCount();

    /// <summary>The folder the archive unpacks to, which is also the top-level folder inside it.</summary>
    public abstract string FolderName { get; }
    /// <summary>The archive's name on the official download page.</summary>
    public abstract string ArchiveName { get; }
    public abstract string ClassNamesFile { get; }
    public abstract IReadOnlyList<string> BatchFiles(DatasetSplit split);

    public abstract ImageBlock ParseBatch(BundleFile file);
    public abstract IReadOnlyList<string> ParseClassNames(BundleFile file);

    /// <summary>Both distributions of <paramref name="variant"/>, in the order they are looked for.</summary>
    public static IReadOnlyList<CifarFormat> All(CifarVariant variant) =>
        [new CifarBinaryFormat(variant), new CifarPythonFormat(variant)];

    /// <summary>Rewrites one image from the planar file layout (R plane, G plane, B plane) to height x width x channels.</summary>
    protected static void PlanarToInterleaved(ReadOnlySpan<byte> planar, Span<byte> interleaved)
    {
        const int planeSize = Side * Side;
        for (int pixel = 0; pixel < planeSize; pixel++)
            for (int channel = 0; channel < Channels; channel++)
                interleaved[pixel * Channels + channel] = planar[channel * planeSize + pixel];
    }

    protected int CheckedLabel(long label, BundleFile file, int record) =>
        label >= 0 && label < ClassCount
            ? (int)label
            : throw new DataException($"{file.Name}: label {label} of record {record} is not a class id 0..{ClassCount - 1}");

    protected IReadOnlyList<string> CheckedClassNames(IReadOnlyList<string> names, BundleFile file) =>
        names.Count == ClassCount
            ? names
            : throw new DataException($"{file.Name}: {names.Count} class names, expected {ClassCount}");
}
