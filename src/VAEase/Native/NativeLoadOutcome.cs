namespace VAEase.Native;

/// <summary>What <see cref="NativeLoader.Ensure"/> did about TorchSharp's native library.</summary>
public enum NativeLoadOutcome
{
    /// <summary>Nothing: not Linux, switched off, the library not found beside the application, or it loads as shipped
    /// (no hard need for GLIBCXX_3.4.32, or a libstdc++ that provides it).</summary>
    Untouched,

    /// <summary>The libstdc++ in use lacks GLIBCXX_3.4.32: the weak-marked copy in the user's cache is loaded, and
    /// TorchSharp binds to it.</summary>
    PatchedCopyLoaded,

    /// <summary>The copy was needed but could not be written or loaded (see <see cref="NativeLoad.Detail"/>); TorchSharp's
    /// own load will fail as it would without VAEase.</summary>
    Failed,
}
