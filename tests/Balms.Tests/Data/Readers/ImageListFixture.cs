using Balms.Data;
using Balms.Tests.Data.Images;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Readers;

/// <summary>
/// A generated ImageNet-LT-shaped benchmark in a temp folder: images under <see cref="Root"/>, the lists
/// ImageNet_LT_{train,val,test}.txt under <see cref="ListDir"/>. <see cref="Tiny"/> writes a complete small one.
/// </summary>
internal sealed class ImageListFixture : IDisposable
{
    public const string ListName = "ImageNet_LT";
    public const int ImageHeight = 30, ImageWidth = 40;

    private readonly TempDirectory _folder = new();

    public string Root => _folder.Combine("images");
    public string ListDir => _folder.Combine("lists");

    public string ListPath(string split) => Path.Combine(ListDir, $"{ListName}_{split}.txt");

    public string ImagePath(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>The flat colour every image of class <paramref name="label"/> has in <see cref="Tiny"/>.</summary>
    public static byte[] ColourOf(int label) => [(byte)(40 + 70 * label), (byte)(200 - 50 * label), (byte)(90 + 30 * label)];

    /// <summary>
    /// Train: classes 0, 1, 2 with 3, 2, 1 images (6 in all); val and test: one image per class. PNG and JPEG mixed;
    /// each image is a 40x30 flat <see cref="ColourOf"/> its class.
    /// </summary>
    public static ImageListFixture Tiny()
    {
        var fixture = new ImageListFixture();
        fixture.WriteSplit("train", [0, 0, 0, 1, 1, 2]);
        fixture.WriteSplit("val", [0, 1, 2]);
        fixture.WriteSplit("test", [0, 1, 2]);
        return fixture;
    }

    public void WriteListText(string split, string text)
    {
        Directory.CreateDirectory(ListDir);
        File.WriteAllText(ListPath(split), text);
    }

    /// <summary>Writes one flat image per label, as split/class_c/i.png or .jpg alternately, and the list naming them.</summary>
    public void WriteSplit(string split, int[] labels)
    {
        var lines = new List<string>();
        for (int i = 0; i < labels.Length; i++)
        {
            string relative = $"{split}/class_{labels[i]}/{i}.{(i % 2 == 0 ? "png" : "jpg")}";
            WriteImage(relative, ImageFiles.Flat(ImageHeight, ImageWidth, ColourOf(labels[i])));
            lines.Add($"{relative} {labels[i]}");
        }
        WriteListText(split, string.Join('\n', lines) + "\n");
    }

    public void WriteImage(string relativePath, RawImage image)
    {
        if (relativePath.EndsWith(".png")) ImageFiles.WritePng(ImagePath(relativePath), image);
        else ImageFiles.WriteJpeg(ImagePath(relativePath), image);
    }

    public void Dispose() => _folder.Dispose();
}
