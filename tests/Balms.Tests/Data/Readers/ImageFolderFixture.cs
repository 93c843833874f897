using Balms.Data;
using Balms.Tests.Data.Images;

namespace Balms.Tests.Data.Readers;

/// <summary>
/// Writes image folders of small flat-coloured PNGs: <see cref="WriteClass"/> puts n images into folder/class, each
/// class with its own colour (so a model can tell them apart) and a per-image shade (so no two images are equal).
/// </summary>
internal static class ImageFolderFixture
{
    public const int Side = 40;

    /// <summary>Writes images 0.png .. (count-1).png of one class; returns their paths in that order.</summary>
    public static string[] WriteClass(string folder, string className, int classIndex, int count)
    {
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = Path.Combine(folder, className, $"{i}.png");
            ImageFiles.WritePng(paths[i], Image(classIndex, i));
        }
        return paths;
    }

    /// <summary>Writes every class of <paramref name="counts"/> (class name = key, colour by position).</summary>
    public static void WriteClasses(string folder, params (string Name, int Count)[] counts)
    {
        for (int c = 0; c < counts.Length; c++) WriteClass(folder, counts[c].Name, c, counts[c].Count);
    }

    public static RawImage Image(int classIndex, int shade) => ImageFiles.Flat(Side, Side,
        (byte)(30 + 90 * (classIndex % 3)), (byte)(200 - 60 * (classIndex % 4)), (byte)((40 * classIndex + 3 * shade) % 256));
}
