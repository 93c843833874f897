using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>Maps the device option (auto, cpu, cuda, cuda:N) to a TorchSharp device.</summary>
public static class Devices
{
    public const string ValidNames = "auto, cpu, cuda, cuda:N";

    /// <summary>Whether <paramref name="name"/> is one of <see cref="ValidNames"/>, whatever devices this machine has.</summary>
    public static bool IsValidName(string name)
    {
        string normalized = name.Trim().ToLowerInvariant();
        return normalized is "auto" or "cpu" or "cuda"
               || (normalized.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(normalized[5..], out int index) && index >= 0);
    }

    public static Device Resolve(string name)
    {
        if (!IsValidName(name)) throw new BalmsException($"unknown device '{name}'; valid: {ValidNames}");
        string normalized = name.Trim().ToLowerInvariant();
        if (normalized == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (normalized == "cpu") return torch.CPU;
        if (!torch.cuda.is_available())
            throw new BalmsException($"device '{name}' was asked for, but CUDA is not available (this build uses the TorchSharp-cpu package; see README, 'Training on a GPU')");
        int index = normalized == "cuda" ? 0 : int.Parse(normalized[5..], System.Globalization.CultureInfo.InvariantCulture);
        if (index >= torch.cuda.device_count())
            throw new BalmsException($"device '{name}': there are {torch.cuda.device_count()} CUDA devices");
        return new Device(DeviceType.CUDA, index);
    }
}
