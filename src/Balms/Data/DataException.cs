namespace Balms.Data;

/// <summary>Bad or missing input data. The message is one line meant for the user, naming the file at fault.</summary>
public sealed class DataException(string message, Exception? inner = null) : BalmsException(message, inner);
