using System.Formats.Tar;
using System.IO.Compression;
using Balms.Data.Readers;

namespace Balms.Tests.Data.Readers;

public enum CifarPackaging { Folder, Archive }

/// <summary>
/// Writes tiny CIFAR-10/100 datasets in the official layouts (binary and python versions, as folders or .tar.gz with
/// the real top-level folder names). Pixel values follow <see cref="Pixel"/>, so tests know every value to expect.
/// </summary>
public static class CifarFixture
{
    private const int PlaneSize = 32 * 32;

    /// <summary>Value of channel <paramref name="channel"/> (0 R, 1 G, 2 B) at (y, x) of image <paramref name="image"/> of a split.</summary>
    public static byte Pixel(DatasetSplit split, int image, int channel, int y, int x) =>
        (byte)(((split == DatasetSplit.Test ? 100 : 0) + image * 31 + channel * 85 + y * 7 + x * 3) % 256);

    /// <summary>Labels of each file of a split, in file order.</summary>
    public static int[][] BatchLabels(CifarVariant variant, DatasetSplit split) => (variant, split) switch
    {
        (CifarVariant.Cifar10, DatasetSplit.Train) => [[0, 9], [3, 3, 7], [1], [9, 5], [2, 8]],
        (CifarVariant.Cifar10, _) => [[4, 9, 0]],
        (CifarVariant.Cifar100, DatasetSplit.Train) => [[99, 0, 57, 13, 99, 42]],
        (CifarVariant.Cifar100, _) => [[5, 98, 31, 64]],
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    public static int[] Labels(CifarVariant variant, DatasetSplit split) => BatchLabels(variant, split).SelectMany(l => l).ToArray();

    /// <summary>A coarse label different from the fine one, so a reader taking the wrong byte or key is caught.</summary>
    public static int CoarseLabel(int fine) => (fine * 3 + 1) % 20;

    public static string[] ClassNames(CifarVariant variant) => variant == CifarVariant.Cifar10
        ? ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        : Enumerable.Range(0, 100).Select(c => $"fine_{c:D2}").ToArray();

    public static string FolderName(CifarVariant variant, bool python) => (variant, python) switch
    {
        (CifarVariant.Cifar10, false) => "cifar-10-batches-bin",
        (CifarVariant.Cifar10, true) => "cifar-10-batches-py",
        (CifarVariant.Cifar100, false) => "cifar-100-binary",
        _ => "cifar-100-python",
    };

    public static string ArchiveName(CifarVariant variant, bool python) => (variant, python) switch
    {
        (CifarVariant.Cifar10, false) => "cifar-10-binary.tar.gz",
        (CifarVariant.Cifar10, true) => "cifar-10-python.tar.gz",
        (CifarVariant.Cifar100, false) => "cifar-100-binary.tar.gz",
        _ => "cifar-100-python.tar.gz",
    };

    /// <summary>File names of each split's batches, in split order.</summary>
    public static string[] BatchFiles(CifarVariant variant, bool python, DatasetSplit split)
    {
        string suffix = python ? "" : ".bin";
        return (variant, split) switch
        {
            (CifarVariant.Cifar10, DatasetSplit.Train) => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}{suffix}").ToArray(),
            (CifarVariant.Cifar10, _) => [$"test_batch{suffix}"],
            (CifarVariant.Cifar100, DatasetSplit.Train) => [$"train{suffix}"],
            _ => [$"test{suffix}"],
        };
    }

    /// <summary>Writes the dataset under <paramref name="root"/> and returns the folder or archive path.</summary>
    public static string Write(string root, CifarVariant variant, bool python, CifarPackaging packaging)
    {
        var files = python ? PythonFiles(variant) : BinaryFiles(variant);
        string folderName = FolderName(variant, python);
        if (packaging == CifarPackaging.Folder)
        {
            string folder = Path.Combine(root, folderName);
            Directory.CreateDirectory(folder);
            foreach (var (name, content) in files) File.WriteAllBytes(Path.Combine(folder, name), content);
            return folder;
        }
        string archive = Path.Combine(root, ArchiveName(variant, python));
        WriteTarGz(archive, folderName, files);
        return archive;
    }

    /// <summary>
    /// CIFAR-10 in the binary format with <paramref name="trainPerClass"/> images of every class (classes interleaved
    /// and spread over the five training batches) and <paramref name="testPerClass"/> test images of every class, for
    /// runs that need more than the handful of images of <see cref="Write"/>. Returns the folder.
    /// </summary>
    public static string WriteCifar10Binary(string root, int trainPerClass, int testPerClass)
    {
        string folder = Path.Combine(root, FolderName(CifarVariant.Cifar10, python: false));
        Directory.CreateDirectory(folder);
        byte[] Records(DatasetSplit split, IEnumerable<int> images) =>
            images.SelectMany(image => new[] { (byte)(image % 10) }.Concat(Planar(split, image))).ToArray();
        var trainFiles = BatchFiles(CifarVariant.Cifar10, python: false, DatasetSplit.Train);
        int trainCount = 10 * trainPerClass;
        for (int b = 0; b < trainFiles.Length; b++)
            File.WriteAllBytes(Path.Combine(folder, trainFiles[b]), Records(DatasetSplit.Train, Enumerable.Range(0, trainCount).Where(i => i % trainFiles.Length == b)));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(DatasetSplit.Test, Enumerable.Range(0, 10 * testPerClass)));
        File.WriteAllText(Path.Combine(folder, "batches.meta.txt"), string.Join("", ClassNames(CifarVariant.Cifar10).Select(name => name + "\n")) + "\n");
        return folder;
    }

    /// <summary>A gzip-compressed GNU tar holding a directory entry and then the files, like the downloads.</summary>
    public static void WriteTarGz(string archive, string folderName, IReadOnlyDictionary<string, byte[]> files)
    {
        using var output = File.Create(archive);
        using var gzip = new GZipStream(output, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Gnu);
        tar.WriteEntry(new GnuTarEntry(TarEntryType.Directory, folderName + "/"));
        foreach (var (name, content) in files.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            tar.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, $"{folderName}/{name}") { DataStream = new MemoryStream(content) });
    }

    public static Dictionary<string, byte[]> BinaryFiles(CifarVariant variant)
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Test })
        {
            var batches = BatchLabels(variant, split);
            var names = BatchFiles(variant, python: false, split);
            int image = 0;
            for (int b = 0; b < batches.Length; b++)
            {
                var record = new List<byte>();
                foreach (int label in batches[b])
                {
                    if (variant == CifarVariant.Cifar100) record.Add((byte)CoarseLabel(label));
                    record.Add((byte)label);
                    record.AddRange(Planar(split, image++));
                }
                files[names[b]] = record.ToArray();
            }
        }
        string namesText = string.Join("", ClassNames(variant).Select(name => name + "\n")) + "\n";
        if (variant == CifarVariant.Cifar10)
        {
            files["batches.meta.txt"] = System.Text.Encoding.ASCII.GetBytes(namesText);
            files["readme.html"] = "<meta HTTP-EQUIV=\"REFRESH\" content=\"0; url=https://www.cs.toronto.edu/~kriz/cifar.html\">\n"u8.ToArray();
        }
        else
        {
            files["fine_label_names.txt"] = System.Text.Encoding.ASCII.GetBytes(namesText);
            files["coarse_label_names.txt"] = System.Text.Encoding.ASCII.GetBytes(
                string.Join("", Enumerable.Range(0, 20).Select(c => $"coarse_{c:D2}\n")) + "\n");
        }
        return files;
    }

    public static Dictionary<string, byte[]> PythonFiles(CifarVariant variant)
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Test })
        {
            var batches = BatchLabels(variant, split);
            var names = BatchFiles(variant, python: true, split);
            int image = 0;
            for (int b = 0; b < batches.Length; b++)
            {
                var labels = batches[b];
                var data = new NumpyBytes([labels.Length, 3 * PlaneSize], labels.SelectMany(_ => Planar(split, image++)).ToArray());
                files[names[b]] = PythonPickleWriter.Protocol2(PythonBatch(variant, $"{split} batch {b + 1} of {batches.Length}", labels, data));
            }
        }
        var classNames = ClassNames(variant).Cast<object>().ToList();
        if (variant == CifarVariant.Cifar10)
        {
            // The meta file is written in protocol 0 so that both pickle flavours are exercised.
            files["batches.meta"] = PythonPickleWriter.Protocol0(new PyDict
            {
                ("num_cases_per_batch", 10000), ("label_names", classNames), ("num_vis", 3072),
            });
            files["readme.html"] = "<meta HTTP-EQUIV=\"REFRESH\" content=\"0; url=https://www.cs.toronto.edu/~kriz/cifar.html\">\n"u8.ToArray();
        }
        else
        {
            files["meta"] = PythonPickleWriter.Protocol2(new PyDict
            {
                ("fine_label_names", classNames),
                ("coarse_label_names", Enumerable.Range(0, 20).Select(c => (object)$"coarse_{c:D2}").ToList()),
            });
        }
        return files;
    }

    public static PyDict PythonBatch(CifarVariant variant, string batchLabel, int[] labels, NumpyBytes data)
    {
        var filenames = labels.Select((_, i) => (object)$"image_{i:D5}.png").ToList();
        var labelList = labels.Cast<object>().ToList();
        return variant == CifarVariant.Cifar10
            ? new PyDict { ("data", data), ("labels", labelList), ("batch_label", batchLabel), ("filenames", filenames) }
            : new PyDict
            {
                ("filenames", filenames), ("batch_label", batchLabel), ("fine_labels", labelList),
                ("coarse_labels", labels.Select(fine => (object)CoarseLabel(fine)).ToList()), ("data", data),
            };
    }

    /// <summary>One image in the files' layout: the red plane, then green, then blue, each row-major.</summary>
    public static byte[] Planar(DatasetSplit split, int image)
    {
        var bytes = new byte[3 * PlaneSize];
        for (int channel = 0; channel < 3; channel++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    bytes[channel * PlaneSize + y * 32 + x] = Pixel(split, image, channel, y, x);
        return bytes;
    }
}
