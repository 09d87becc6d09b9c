using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VAEase.Networks;

/// <summary>y = x W^T + b as nn.Linear — the same initialisation (it copies a fresh nn.Linear's parameters) and
/// weight names — whose product can run in bfloat16 while training (<see cref="MatmulPrecision.BFloat16"/>).
/// In eval mode it is always float32, so evaluation of a model does not depend on how it was trained.</summary>
public sealed class LinearLayer : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public LinearLayer(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(Linear))
    {
        // nn.Linear's own initialisation (Kaiming-uniform, a = sqrt 5; bias U(+-1/sqrt fan_in)), the same draws in the same order.
        using (Linear init = Linear(inFeatures, outFeatures, hasBias))
        {
            weight = Copy(init.weight!);
            if (hasBias) bias = Copy(init.bias!);
        }
        RegisterComponents();
    }

    private static Parameter Copy(Parameter source)
    {
        using Tensor detached = source.detach();
        return Parameter(detached.clone());
    }

    /// <summary>Multiply in bfloat16 while in training mode.</summary>
    public MatmulPrecision Precision { get; set; } = MatmulPrecision.Float32;

    public Tensor Weight => weight;

    /// <summary>x [n, in] -> [n, out].</summary>
    public override Tensor forward(Tensor x)
    {
        if (!training || Precision == MatmulPrecision.Float32) return functional.linear(x, weight, bias);
        // bfloat16 in and out (the GEMM accumulates in float32); the casts' backward hands float32 gradients to the
        // float32 weight and input.
        Tensor product = functional.linear(x.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        return bias is null ? product : product.add_(bias);
    }
}
