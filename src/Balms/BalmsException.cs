namespace Balms;

/// <summary>
/// An error caused by the user's input (config, data, checkpoint, output folder). The CLI prints its message as one
/// line and exits non-zero; anything else escaping is a bug in Balms.
/// </summary>
public class BalmsException(string message, Exception? inner = null) : Exception(message, inner);
