using System.Text;

namespace Balms.Sampling.Meta;

/// <summary>
/// Everything the Meta Sampler needs to resume: the per-class logits w and the Adam state that updates them. The
/// Gumbel noise needs no state because each epoch's noise is seeded from the sampler seed and the epoch number.
/// </summary>
public sealed record MetaSamplerState(double[] Logits, double[] AdamFirstMoment, double[] AdamSecondMoment, long AdamStep)
{
    private const string Magic = "BALMS-META-SAMPLER";
    private const int FormatVersion = 1;

    public int NumClasses => Logits.Length;

    /// <summary>Writes the state in a small binary format (little-endian, versioned).</summary>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(NumClasses);
        foreach (var vector in new[] { Logits, AdamFirstMoment, AdamSecondMoment })
            foreach (double value in vector)
                writer.Write(value);
        writer.Write(AdamStep);
    }

    /// <summary>Reads a state written by <see cref="Save"/>; <paramref name="sourceName"/> names the file in errors.</summary>
    public static MetaSamplerState Load(Stream stream, string sourceName)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic)
                throw new BalmsException($"{sourceName}: not a meta sampler state (bad header)");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new BalmsException($"{sourceName}: meta sampler state version {version}, expected {FormatVersion}");
            int numClasses = reader.ReadInt32();
            if (numClasses <= 0 || numClasses > 1_000_000)
                throw new BalmsException($"{sourceName}: meta sampler state has {numClasses} classes, expected a positive count");
            var state = new MetaSamplerState(ReadVector(reader, numClasses), ReadVector(reader, numClasses),
                ReadVector(reader, numClasses), reader.ReadInt64());
            state.Validate(sourceName);
            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new BalmsException($"{sourceName}: meta sampler state is truncated", e);
        }
        catch (FormatException e)
        {
            throw new BalmsException($"{sourceName}: not a meta sampler state (bad header)", e);
        }
    }

    /// <summary>Throws a <see cref="BalmsException"/> naming <paramref name="sourceName"/> unless the state is usable.</summary>
    public void Validate(string sourceName)
    {
        if (AdamFirstMoment.Length != NumClasses || AdamSecondMoment.Length != NumClasses)
            throw new BalmsException($"{sourceName}: meta sampler Adam state must have {NumClasses} entries per moment");
        if (!Logits.Concat(AdamFirstMoment).Concat(AdamSecondMoment).All(double.IsFinite))
            throw new BalmsException($"{sourceName}: meta sampler state contains non-finite values");
        if (AdamSecondMoment.Any(v => v < 0))
            throw new BalmsException($"{sourceName}: meta sampler Adam second moment must be non-negative");
        if (AdamStep < 0)
            throw new BalmsException($"{sourceName}: meta sampler Adam step must be non-negative, got {AdamStep}");
    }

    private static double[] ReadVector(BinaryReader reader, int length)
    {
        var vector = new double[length];
        for (int i = 0; i < length; i++)
            vector[i] = reader.ReadDouble();
        return vector;
    }
}
