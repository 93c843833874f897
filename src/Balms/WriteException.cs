namespace Balms;

/// <summary>
/// An output file could not be written (a full disk, a read-only folder). The message names the file; what was
/// written before is intact (see <see cref="AtomicFile"/>), so the work can go on once the file can be written.
/// </summary>
public sealed class WriteException(string message, Exception? inner = null) : BalmsException(message, inner);
