namespace Balms.Data.Readers;

/// <summary>
/// The "python version": each file is a pickled dict; batches hold b'data' (uint8 array N x 3072) and b'labels'
/// (CIFAR-10) or b'fine_labels' (CIFAR-100), the meta file holds b'label_names' or b'fine_label_names'.
/// </summary>
internal sealed class CifarPythonFormat(CifarVariant variant) : CifarFormat(variant)
{
    private bool IsCifar10 => Variant == CifarVariant.Cifar10;
    private string LabelsKey => IsCifar10 ? "labels" : "fine_labels";
    private string ClassNamesKey => IsCifar10 ? "label_names" : "fine_label_names";

    public override string FolderName => IsCifar10 ? "cifar-10-batches-py" : "cifar-100-python";
    public override string ArchiveName => IsCifar10 ? "cifar-10-python.tar.gz" : "cifar-100-python.tar.gz";
    public override string ClassNamesFile => IsCifar10 ? "batches.meta" : "meta";

    public override IReadOnlyList<string> BatchFiles(DatasetSplit split) => (IsCifar10, split) switch
    {
        (true, DatasetSplit.Train) => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}").ToList(),
        (true, _) => ["test_batch"],
        (false, DatasetSplit.Train) => ["train"],
        (false, _) => ["test"],
    };

    public override ImageBlock ParseBatch(BundleFile file)
    {
        var dict = ReadDict(file);
        var data = Entry<NumpyArray>(dict, "data", file, "a numpy array");
        var labelList = Entry<List<object?>>(dict, LabelsKey, file, "a list");
        if (data.Shape is not [var count, ImageBytes])
            throw new DataException($"{file.Name}: 'data' has shape ({string.Join(", ", data.Shape)}), expected (N, {ImageBytes})");
        if (labelList.Count != count)
            throw new DataException($"{file.Name}: '{LabelsKey}' has {labelList.Count} entries but 'data' holds {count} images");

        var labels = new int[count];
        for (int i = 0; i < count; i++)
            labels[i] = labelList[i] is long label
                ? CheckedLabel(label, file, i)
                : throw new DataException($"{file.Name}: '{LabelsKey}' entry {i} is not an integer");

        // Reorder each image in place: the pickled array becomes the block's pixel store without a second copy.
        var pixels = data.Data;
        Span<byte> planar = stackalloc byte[ImageBytes];
        for (int i = 0; i < count; i++)
        {
            var image = pixels.AsSpan(i * ImageBytes, ImageBytes);
            image.CopyTo(planar);
            PlanarToInterleaved(planar, image);
        }
        return new ImageBlock(file.Name, pixels, labels);
    }

    public override IReadOnlyList<string> ParseClassNames(BundleFile file)
    {
        var names = Entry<List<object?>>(ReadDict(file), ClassNamesKey, file, "a list");
        return CheckedClassNames(names.Select(name => name is byte[] or string
            ? PickleText.AsText(name)
            : throw new DataException($"{file.Name}: '{ClassNamesKey}' holds a non-string")).ToList(), file);
    }

    private static Dictionary<object, object?> ReadDict(BundleFile file) =>
        PickleReader.Read(file.Content, file.Name) as Dictionary<object, object?>
        ?? throw new DataException($"{file.Name}: pickle does not hold a dict");

    private static T Entry<T>(Dictionary<object, object?> dict, string key, BundleFile file, string expected) where T : class =>
        !dict.TryGetValue(key, out var value)
            ? throw new DataException($"{file.Name}: pickle has no key '{key}'")
            : value as T ?? throw new DataException($"{file.Name}: '{key}' is not {expected}");
}
