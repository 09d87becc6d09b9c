namespace VAEase;

/// <summary>A problem with the user's input (arguments, data, files): the CLI prints its
/// message on one line and exits with code 2.</summary>
public sealed class VAEaseException(string message, Exception? inner = null) : Exception(message, inner);
