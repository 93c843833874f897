namespace Balms.Sampling.Meta;

/// <param name="BatchSize">B, instances per training batch.</param>
/// <param name="InitPow">Initial s_c ∝ (n_c/Σn)^(−InitPow) (CIFAR 0, ImageNet-LT 0.1, Places-LT 0.3 in the original).</param>
/// <param name="LearningRate">Adam learning rate of the sampler logits (CIFAR 0.01, ImageNet-LT/Places-LT 0.001).</param>
/// <param name="Seed">Seeds the Gumbel noise; step s of epoch e uses a generator derived from (Seed, e, s).</param>
public sealed record MetaSamplerSettings(int BatchSize, double InitPow, double LearningRate, ulong Seed);
