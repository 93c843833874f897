using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>A class-balanced meta batch: frozen features [M, D] and their labels [M] (int64).</summary>
public sealed record MetaBatch(Tensor Features, Tensor Labels);
