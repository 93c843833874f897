namespace Balms.Data.Transforms;

/// <summary>
/// One image-to-image stage of a transform pipeline (crop, flip, AutoAugment, ...). A step never modifies its input:
/// it returns either the input itself or a new image taken from <paramref name="buffers"/>. Steps are immutable, so
/// one instance serves all loader threads; all randomness comes from <paramref name="random"/>.
/// </summary>
internal interface IImageStep
{
    RawImage Apply(RawImage image, Random random, ImageBuffers buffers);
}
