using System.Text;

namespace Balms.Data.Readers;

/// <summary>
/// The "binary version": fixed-size records of label byte(s) then 3072 pixel bytes; CIFAR-100 records carry a coarse
/// then a fine label, and the fine one is used. Class names are text files, one name a line.
/// </summary>
internal sealed class CifarBinaryFormat(CifarVariant variant) : CifarFormat(variant)
{
    private bool IsCifar10 => Variant == CifarVariant.Cifar10;
    private int LabelBytes => IsCifar10 ? 1 : 2;
    private int RecordBytes => LabelBytes + ImageBytes;

    public override string FolderName => IsCifar10 ? "cifar-10-batches-bin" : "cifar-100-binary";
    public override string ArchiveName => IsCifar10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz";
    public override string ClassNamesFile => IsCifar10 ? "batches.meta.txt" : "fine_label_names.txt";

    public override IReadOnlyList<string> BatchFiles(DatasetSplit split) => (IsCifar10, split) switch
    {
        (true, DatasetSplit.Train) => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToList(),
        (true, _) => ["test_batch.bin"],
        (false, DatasetSplit.Train) => ["train.bin"],
        (false, _) => ["test.bin"],
    };

    public override ImageBlock ParseBatch(BundleFile file)
    {
        if (file.Length % RecordBytes != 0 || file.Length == 0)
            throw new DataException(
                $"{file.Name}: length {file.Length} bytes is not a positive multiple of the {RecordBytes}-byte record size");
        int count = checked((int)(file.Length / RecordBytes));
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new int[count];
        var record = new byte[RecordBytes];
        for (int i = 0; i < count; i++)
        {
            file.Content.ReadExactly(record);
            labels[i] = CheckedLabel(record[LabelBytes - 1], file, i);
            PlanarToInterleaved(record.AsSpan(LabelBytes), pixels.AsSpan(i * ImageBytes, ImageBytes));
        }
        return new ImageBlock(file.Name, pixels, labels);
    }

    public override IReadOnlyList<string> ParseClassNames(BundleFile file)
    {
        using var reader = new StreamReader(file.Content, Encoding.ASCII, leaveOpen: true);
        // The files end with blank lines.
        var names = reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToList();
        return CheckedClassNames(names, file);
    }
}
