using static TorchSharp.torch;

namespace Balms.Models;

public static class ModuleExtensions
{
    /// <summary>Number of scalar parameters that receive gradients (frozen parameters are not counted).</summary>
    public static long TrainableParameterCount(this nn.Module module) =>
        module.parameters().Where(parameter => parameter.requires_grad).Sum(parameter => parameter.numel());
}
