namespace Balms.Cli;

public static class CliApp
{
    public static int Run(string[] args)
    {
        Console.WriteLine($"balms: torch {TorchSharp.torch.__version__}");
        return 0;
    }
}
