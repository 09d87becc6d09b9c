namespace VAEase.Native;

/// <summary>The result of <see cref="NativeLoader.Ensure"/>.</summary>
/// <param name="Outcome">What was done.</param>
/// <param name="Library">The libLibTorchSharp.so that TorchSharp loads (the original or the cached copy), or null where none was found.</param>
/// <param name="Detail">Why, in a few words.</param>
public sealed record NativeLoad(NativeLoadOutcome Outcome, string? Library, string Detail);
