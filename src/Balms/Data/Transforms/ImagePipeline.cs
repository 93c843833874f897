namespace Balms.Data.Transforms;

/// <summary>
/// A chain of image steps followed by the conversion to normalised CHW floats. Immutable and therefore safe to share
/// between loader threads; the intermediate images of one call live in that call's own pooled buffers.
/// </summary>
internal sealed class ImagePipeline : IImageTransform
{
    private readonly IImageStep[] steps;
    private readonly NormalizeToChw output;

    public ImagePipeline(int height, int width, IEnumerable<IImageStep> steps, NormalizeToChw output)
    {
        this.steps = steps.ToArray();
        this.output = output;
        OutputShape = new SampleShape(output.Channels, height, width);
    }

    public SampleShape OutputShape { get; }

    public void Apply(RawImage image, Random random, Span<float> destination)
    {
        if (destination.Length != OutputShape.Length)
            throw new ArgumentException(
                $"destination holds {destination.Length} floats, a {OutputShape} sample needs {OutputShape.Length}",
                nameof(destination));
        if (image.Channels != OutputShape.Channels)
            throw new DataException(
                $"image is {Describe(image)}, but this transform needs {OutputShape.Channels} channel(s)");
        if (image.Height < 1 || image.Width < 1 || image.Pixels.Length < image.Height * image.Width * image.Channels)
            throw new DataException($"image claims {Describe(image)} pixels but holds {image.Pixels.Length} bytes");

        using var buffers = new ImageBuffers();
        RawImage current = image;
        foreach (IImageStep step in steps) current = step.Apply(current, random, buffers);
        if (current.Height != OutputShape.Height || current.Width != OutputShape.Width)
            throw new DataException(
                $"image is {Describe(image)}, but this transform needs {OutputShape.Height}x{OutputShape.Width} pixels");
        output.Write(current, random, destination);
    }

    private static string Describe(RawImage image) => $"{image.Height}x{image.Width}x{image.Channels}";
}
