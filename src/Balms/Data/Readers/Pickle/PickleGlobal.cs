namespace Balms.Data.Readers.Pickle;

/// <summary>A module-level Python name (module.name) that a pickle refers to, e.g. a class or a function to call.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}
