namespace Balms.Configuration;

/// <summary>A problem with an experiment file or an override; the message names the key and what is allowed.</summary>
public sealed class ConfigException(string message) : BalmsException(message);
