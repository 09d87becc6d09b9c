using TorchSharp;
using VAEase.Data;
using static TorchSharp.torch;

namespace VAEase.Tests.Intrinsic;

/// <summary>Seeded test sets: linear pieces of dims r, each placed in R^ambient by its own orthonormal
/// basis and a random offset of norm 10 (so the pieces stay apart), coordinates uniform in the unit
/// cube [0, 1]^r or standard Gaussian (no boundary, so less bias for the neighbour-distance methods).</summary>
internal static class IntrinsicData
{
    public static Dataset Pieces(int ambient, int[] dims, long perPiece, long seed, bool gaussian)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var parts = new List<Tensor>();
        var labels = new List<long>();
        for (int p = 0; p < dims.Length; p++)
        {
            var (q, _) = linalg.qr(randn([ambient, dims[p]], ScalarType.Float64, generator: g)); // [D, r], orthonormal columns
            Tensor offset = randn([1, ambient], ScalarType.Float64, generator: g);
            offset = offset / offset.norm() * 10;
            Tensor u = gaussian ? randn([perPiece, dims[p]], ScalarType.Float64, generator: g)  // [n, r]
                                : rand([perPiece, dims[p]], ScalarType.Float64, generator: g);
            parts.Add(matmul(u, q.t()) + offset);
            labels.AddRange(Enumerable.Repeat((long)p, (int)perPiece));
        }
        Tensor x = cat(parts, 0).to_type(ScalarType.Float32);
        return new Dataset(x.MoveToOuterDisposeScope(), labels.ToArray(), $"pieces:{string.Join('+', dims)}");
    }
}
