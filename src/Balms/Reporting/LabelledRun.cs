namespace Balms.Reporting;

/// <summary>A run with the name it goes by in the report's figures and captions.</summary>
public sealed record LabelledRun(string Label, RunResults Run);
