using System.Runtime.InteropServices;
using Balms.Benchmarks;
using Balms.Training;

namespace Balms.Tests.Training;

public class NativeRuntimeTests
{
    [DllImport("libc.so.6", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr NativeGetEnvironment(string name);

    private static string? NativeVariable(string name) => Marshal.PtrToStringAnsi(NativeGetEnvironment(name));

    [Fact]
    public void TheShortOpenMpSpinIsSetUnlessTheUserChoseAWaitPolicy()
    {
        // .NET's view of the environment is the one the process started with; libgomp reads the C runtime's.
        bool userChose = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null
            || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null;
        if (userChose)
        {
            Assert.Empty(NativeRuntime.OpenMpSetting);
            Assert.Equal(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"), NativeVariable("GOMP_SPINCOUNT"));
        }
        else
        {
            Assert.Equal("1000", NativeVariable("GOMP_SPINCOUNT"));
            Assert.Equal(new Dictionary<string, string> { ["GOMP_SPINCOUNT"] = "1000" }, NativeRuntime.OpenMpSetting);
        }
    }

    [Fact]
    public void ThePyTorchReferenceRunsWithTheGivenVariables()
    {
        // A stand-in for the Python script that reports the variable as its training speed.
        string script = Path.Combine(Path.GetTempPath(), $"balms-env-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script,
            """printf '{"train_images_per_s": %s, "eval_images_per_s": 1, "peak_rss_mb": 1, "torch_version": "x"}' "${BALMS_TEST_SPINS:-0}" """);
        try
        {
            var reference = new PyTorchReference("/bin/sh", script);
            var given = reference.Measure(BenchmarkSettings.Quick, new Dictionary<string, string> { ["BALMS_TEST_SPINS"] = "1234" }, out _);
            var unchanged = reference.Measure(BenchmarkSettings.Quick, new Dictionary<string, string>(), out _);
            Assert.Equal(1234, given!.TrainImagesPerSecond);
            Assert.Equal(0, unchanged!.TrainImagesPerSecond);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
