namespace Balms.Data.Readers;

/// <summary>
/// The decoded images of one file: pixels of all records back to back, each in height x width x channels order.
/// <paramref name="File"/> is how the file is named in messages (a path, or archive:entry).
/// </summary>
internal sealed record ImageBlock(string File, byte[] Pixels, int[] Labels);
