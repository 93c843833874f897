using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Mixing;

/// <summary>
/// CutMix (Yun et al., ICCV 2019): a box of sides sqrt(1 - lambda) * (W, H), centred on a uniformly drawn pixel and cut
/// at the image's border, is pasted from x_b into x_a; lambda becomes the share of the image left to x_a.
/// </summary>
[BuiltFrom(typeof(CutMixOptions))]
public sealed class CutMix(CutMixOptions options, int seed) : BatchMixing(options, seed)
{
    protected override (Tensor Images, double Lambda) Combine(Tensor images, Tensor shuffled, double lambda, Random random)
    {
        int height = (int)images.shape[2], width = (int)images.shape[3];
        var box = Box(height, width, lambda, random);
        using var rows = arange(height, device: images.device);
        using var columns = arange(width, device: images.device);
        using var inRows = rows.ge(box.Top).logical_and(rows.lt(box.Bottom));
        using var inColumns = columns.ge(box.Left).logical_and(columns.lt(box.Right));
        using var pasted = inRows.unsqueeze(1).logical_and(inColumns.unsqueeze(0));
        return (where(pasted, shuffled, images), 1 - (double)box.Area / (height * width));
    }

    /// <summary>Rows [Top, Bottom) and columns [Left, Right) of the pasted box.</summary>
    public sealed record PastedBox(int Top, int Bottom, int Left, int Right)
    {
        public int Area => (Bottom - Top) * (Right - Left);
    }

    /// <summary>The box for <paramref name="lambda"/>: sides floor(sqrt(1 - lambda) * side), centre drawn uniformly.</summary>
    public static PastedBox Box(int height, int width, double lambda, Random random)
    {
        double side = Math.Sqrt(1 - lambda);
        int boxHeight = (int)(height * side), boxWidth = (int)(width * side);
        int centreRow = random.Next(height), centreColumn = random.Next(width);
        return new PastedBox(
            Math.Clamp(centreRow - boxHeight / 2, 0, height), Math.Clamp(centreRow + boxHeight / 2, 0, height),
            Math.Clamp(centreColumn - boxWidth / 2, 0, width), Math.Clamp(centreColumn + boxWidth / 2, 0, width));
    }
}
