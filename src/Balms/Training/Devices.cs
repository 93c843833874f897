using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>Maps the device option (auto, cpu, cuda, cuda:N) to a TorchSharp device.</summary>
public static class Devices
{
    public static Device Resolve(string name)
    {
        string normalized = name.Trim().ToLowerInvariant();
        if (normalized == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (normalized == "cpu") return torch.CPU;
        if (normalized == "cuda" || normalized.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new BalmsException($"device '{name}' was asked for, but CUDA is not available (this build uses the TorchSharp-cpu package; see README, 'Training on a GPU')");
            int index = normalized == "cuda" ? 0 : int.TryParse(normalized[5..], out var n) ? n : -1;
            if (index < 0 || index >= torch.cuda.device_count())
                throw new BalmsException($"device '{name}': there are {torch.cuda.device_count()} CUDA devices");
            return new Device(DeviceType.CUDA, index);
        }
        throw new BalmsException($"unknown device '{name}'; valid: auto, cpu, cuda, cuda:N");
    }
}
