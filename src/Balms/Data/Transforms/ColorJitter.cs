namespace Balms.Data.Transforms;

/// <summary>
/// torchvision ColorJitter(brightness, contrast, saturation) without hue, on PIL images: each factor is uniform in
/// [max(0, 1 - strength), 1 + strength], and the three PIL enhancements (Brightness, Contrast, Color) run in a random
/// order. A strength of 0 disables that adjustment.
/// </summary>
internal sealed class ColorJitter(double brightness, double contrast, double saturation) : IImageStep
{
    public RawImage Apply(RawImage image, Random random, ImageBuffers buffers)
    {
        Span<Enhancement> order = [Enhancement.Brightness, Enhancement.Contrast, Enhancement.Color];
        random.Shuffle(order);
        foreach (Enhancement enhancement in order)
        {
            double strength = enhancement switch
            {
                Enhancement.Brightness => brightness,
                Enhancement.Contrast => contrast,
                _ => saturation,
            };
            if (strength <= 0) continue;
            double factor = random.NextUniform(Math.Max(0, 1 - strength), 1 + strength);
            image = PilEnhance.Enhance(image, enhancement, factor, buffers);
        }
        return image;
    }
}
