using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Balms.Training;

/// <summary>
/// Two settings of the C runtime underneath libtorch that make CPU training markedly faster (measurements in
/// docs/performance.md), applied when this library is loaded, before libtorch is:
/// <list type="bullet">
/// <item>GOMP_SPINCOUNT=1000 (unless the user set it or OMP_WAIT_POLICY): libtorch's OpenMP threads wait for the next
/// parallel region by spinning 1,000 times (about 10 µs by libgomp's own estimate), then sleep. libgomp's default spins
/// 300 times as long, which takes the cores from the batch loader and from each other whenever anything else runs at
/// the same priority (on two shared cores a step was two to four times slower); not spinning at all
/// (OMP_WAIT_POLICY=PASSIVE) pays a wake-up for each of the step's hundreds of parallel regions, about 10 % of an idle
/// machine's speed. libgomp reads the variable once, when it is loaded.</item>
/// <item>glibc malloc keeps freed blocks up to 32 MiB in the heap: a ResNet-32 step allocates and frees feature maps of
/// several MiB each, which glibc otherwise maps and unmaps around every operation, paying page faults each time. Up to
/// 512 MiB of freed memory stays in the heap, so the resident size stays near its peak instead of oscillating.</item>
/// </list>
/// Both are skipped where they do not apply (not Linux, not glibc).
/// </summary>
internal static class NativeRuntime
{
    private const string WaitPolicy = "OMP_WAIT_POLICY", SpinCount = "GOMP_SPINCOUNT", Spins = "1000";
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;
    private const int LargestHeapBlock = 32 << 20, KeptFreeMemory = 512 << 20;

    /// <summary>
    /// The OpenMP variable this library set, for a child process that should run like it (the benchmark's PyTorch);
    /// empty when the user chose their own.
    /// </summary>
    public static IReadOnlyDictionary<string, string> OpenMpSetting { get; private set; } = new Dictionary<string, string>();

#pragma warning disable CA2255 // The variable must be in the environment before libtorch (and so libgomp) is loaded.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Tune()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (GetEnvironment(WaitPolicy) == IntPtr.Zero && GetEnvironment(SpinCount) == IntPtr.Zero)
            {
                SetEnvironment(SpinCount, Spins, overwrite: 0);
                OpenMpSetting = new Dictionary<string, string> { [SpinCount] = Spins };
            }
            SetMallocOption(MallocMmapThreshold, LargestHeapBlock);
            SetMallocOption(MallocTrimThreshold, KeptFreeMemory);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnvironment(string name, string value, int overwrite);

    [DllImport("libc.so.6", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr GetEnvironment(string name);

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int SetMallocOption(int option, int value);
}
