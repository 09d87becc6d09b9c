using System.Collections.Concurrent;
using TorchSharp;

namespace VAEase.Models;

/// <summary>TorchSharp scalars that live for the whole process. An implicitly converted Scalar (a double
/// passed where TorchSharp takes a Scalar) has a finalizer that can free the native scalar while libtorch
/// still reads it: seen here as "Expected false to be true ... Scalar.h:140" in Adam's step and, rarely, in
/// a loss. The constants of the losses come from this cache instead; they are never finalized.</summary>
public static class Scalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>The held Scalar of a value (the set of values is the models' constants: small and bounded).</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
