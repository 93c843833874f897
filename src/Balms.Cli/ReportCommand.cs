using Balms.Reporting;

namespace Balms.Cli;

/// <summary>A Markdown report with figures over one or more run directories.</summary>
public static class ReportCommand
{
    public const string Usage = "report RUN_DIR... [--output DIR]   (Markdown + PNG figures; default output ./report)";
    private const string DefaultOutput = "report";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--output");
        if (arguments.Positional.Count == 0) throw new BalmsException($"name at least one run directory; usage: ./balms {Usage}");
        string output = arguments.One("--output") ?? DefaultOutput;
        using var held = HeldFolders.Hold([output]);

        var result = RunReport.Write(arguments.Positional, output, CommandLine(arguments.Positional, output));
        foreach (string warning in result.Warnings) Console.Error.WriteLine($"warning: {warning}");
        Console.WriteLine($"report written to {result.MarkdownPath} ({result.FigurePaths.Count} figures)");
        return 0;
    }

    private static string CommandLine(IEnumerable<string> runDirectories, string output) =>
        string.Join(" ", ["./balms", "report", .. runDirectories.Select(Quote), "--output", Quote(output)]);

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "/._-+=:,@".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";
}
