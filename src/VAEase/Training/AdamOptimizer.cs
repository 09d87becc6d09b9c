using TorchSharp;
using TorchSharp.Modules;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>Adam (Kingma and Ba, 2015) with PyTorch's semantics and defaults (betas 0.9 / 0.999,
/// eps 1e-8, bias correction), over all parameters at once: the two moments live in flat buffers, so a
/// step is a handful of kernels instead of a handful per parameter.
///
/// It also sidesteps a hazard of TorchSharp's own optimizers: they pass learning rates and betas as
/// implicitly converted <see cref="Scalar"/>s, whose finalizer can free the native scalar while libtorch
/// still reads it (seen here as a crash in Adam's step after ~10^5 steps). Every scalar here is created
/// explicitly and disposed only after the call that uses it.</summary>
public sealed class AdamOptimizer : IDisposable
{
    const double Eps = 1e-8;

    private readonly Parameter[] parameters;
    private readonly long[] offsets;
    private readonly Tensor m, v; // [total] first and second moments, in parameter order
    private readonly double beta1, beta2;

    /// <summary>Adam over <paramref name="parameters"/> with moment decay rates <paramref name="beta1"/> and
    /// <paramref name="beta2"/> (PyTorch's defaults; GANs use 0.5 for the first).</summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999)
    {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.parameters = parameters.ToArray();
        offsets = new long[this.parameters.Length + 1];
        for (int i = 0; i < this.parameters.Length; i++) offsets[i + 1] = offsets[i] + this.parameters[i].numel();
        Parameter first = this.parameters[0];
        m = zeros(offsets[^1], dtype: first.dtype, device: first.device);
        v = zeros(offsets[^1], dtype: first.dtype, device: first.device);
    }

    /// <summary>Optimiser steps taken (the t of the bias correction).</summary>
    public long Steps { get; private set; }

    /// <summary>Zeroes every parameter's gradient before the next backward pass.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter p in parameters) p.grad?.zero_();
    }

    /// <summary>One update with learning rate <paramref name="lr"/>:
    /// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).</summary>
    public void Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        Tensor g = cat(parameters.Select(p => p.grad is { } grad ? grad.flatten() : zeros(p.numel(), dtype: p.dtype, device: p.device)).ToList(), 0);
        double bc1 = 1 - Math.Pow(beta1, Steps), bc2 = 1 - Math.Pow(beta2, Steps);
        using Scalar b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(), b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar();
        using Scalar invSqrtBc2 = (1 / Math.Sqrt(bc2)).ToScalar(), eps = Eps.ToScalar(), stepSize = (-lr / bc1).ToScalar();
        m.mul_(b1).add_(g, alpha: oneMinusB1);
        v.mul_(b2).addcmul_(g, g, value: oneMinusB2);
        Tensor update = m.div(v.sqrt().mul_(invSqrtBc2).add_(eps)).mul_(stepSize);
        for (int i = 0; i < parameters.Length; i++)
            parameters[i].add_(update.narrow(0, offsets[i], offsets[i + 1] - offsets[i]).view_as(parameters[i]));
    }

    /// <summary>Saves the moments and the step count (safetensors: m, v, step).</summary>
    public void Save(string path)
    {
        using var step = tensor(Steps);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["m"] = m, ["v"] = v, ["step"] = step });
    }

    /// <summary>Restores what <see cref="Save"/> wrote; the parameters must be the same in number and shape.</summary>
    public void Load(string path)
    {
        Dictionary<string, Tensor> state = SafeTensors.Read(path);
        try
        {
            if (!state.TryGetValue("m", out Tensor? savedM) || !state.TryGetValue("v", out Tensor? savedV) || !state.TryGetValue("step", out Tensor? step)
                || savedM.numel() != m.numel() || savedV.numel() != v.numel())
                throw new VAEaseException($"{path}: optimizer state does not match the model");
            using var noGrad = no_grad();
            m.copy_(savedM);
            v.copy_(savedV);
            Steps = step.item<long>();
        }
        finally
        {
            foreach (Tensor t in state.Values) t.Dispose();
        }
    }

    public void Dispose()
    {
        m.Dispose();
        v.Dispose();
    }
}
