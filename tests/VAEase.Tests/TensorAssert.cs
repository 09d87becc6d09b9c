using static TorchSharp.torch;

namespace VAEase.Tests;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-equal values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
