using TorchSharp;
using TorchSharp.Modules;
using VAEase.IO;
using static TorchSharp.torch;

namespace VAEase.Training;

/// <summary>Adam (Kingma and Ba, 2015) with PyTorch's semantics and defaults (betas 0.9 / 0.999,
/// eps 1e-8, bias correction), over all parameters at once. The parameters, their gradients and the two
/// moments live in four flat buffers: at construction every parameter is re-pointed (<c>set_</c>) to its
/// slice of the flat parameter buffer and given its slice of the flat gradient buffer as <c>.grad</c>, into
/// which backward accumulates in place. So zeroing the gradients is one kernel and a step is a handful,
/// whatever the number of parameters, with no per-step gather of the gradients.
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
    private readonly Tensor flat, grad; // [total] the parameters and their gradients, which every parameter and its .grad view
    private readonly Tensor m, v; // [total] first and second moments, in parameter order
    private readonly double beta1, beta2;

    /// <summary>Which optimizer each parameter's storage belongs to: a newer optimizer over the same parameters
    /// re-points them to its own buffers and marks the older one <see cref="superseded"/>, which must then refuse
    /// to step instead of updating buffers that no parameter views any more.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Parameter, AdamOptimizer> Owners = new();
    private bool superseded;

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
        if (this.parameters.Any(p => p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index))
            throw new ArgumentException("all parameters must share one dtype and device", nameof(parameters));
        if (this.parameters.Distinct(ReferenceEqualityComparer.Instance).Count() != this.parameters.Length)
            throw new ArgumentException("a parameter is listed twice", nameof(parameters));
        flat = zeros(offsets[^1], dtype: first.dtype, device: first.device);
        grad = zeros(offsets[^1], dtype: first.dtype, device: first.device);
        m = zeros(offsets[^1], dtype: first.dtype, device: first.device);
        v = zeros(offsets[^1], dtype: first.dtype, device: first.device);
        using var noGrad = no_grad();
        for (int i = 0; i < this.parameters.Length; i++)
        {
            Parameter p = this.parameters[i];
            using Tensor slot = Slice(flat, i), gradSlot = Slice(grad, i);
            slot.copy_(p);
            p.set_(slot); // returns p itself (TorchSharp 0.107): not to be disposed
            p.grad = gradSlot;
            if (Owners.TryGetValue(p, out AdamOptimizer? previous)) previous.superseded = true;
            Owners.AddOrUpdate(p, this);
        }
    }

    /// <summary>Parameter i's slice of a flat buffer, shaped like it.</summary>
    private Tensor Slice(Tensor buffer, int i)
    {
        using Tensor part = buffer.narrow(0, offsets[i], offsets[i + 1] - offsets[i]);
        return part.view_as(parameters[i]);
    }

    /// <summary>Optimiser steps taken (the t of the bias correction).</summary>
    public long Steps { get; private set; }

    /// <summary>Zeroes every parameter's gradient before the next backward pass.</summary>
    public void ZeroGrad() => grad.zero_();

    /// <summary>One update with learning rate <paramref name="lr"/>:
    /// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).</summary>
    public void Step(double lr)
    {
        if (superseded) throw new InvalidOperationException("another AdamOptimizer has since taken over these parameters; step that one");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        double bc1 = 1 - Math.Pow(beta1, Steps), bc2 = 1 - Math.Pow(beta2, Steps);
        using Scalar b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(), b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar();
        using Scalar invSqrtBc2 = (1 / Math.Sqrt(bc2)).ToScalar(), eps = Eps.ToScalar(), stepSize = (-lr / bc1).ToScalar();
        m.mul_(b1).add_(grad, alpha: oneMinusB1);
        v.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);
        flat.addcdiv_(m, v.sqrt().mul_(invSqrtBc2).add_(eps), value: stepSize);
    }

    /// <summary>Restarts the moments of the entries of <paramref name="parameter"/> where <paramref name="changed"/> is true,
    /// after they were set anew (a reopened latent): the first moment becomes 0 and the second the mean of the parameter's
    /// other entries, so the new entries take steps of the usual size instead of the 1/sqrt(1 - beta2) larger ones a zero
    /// second moment would give (the bias correction is long spent).</summary>
    public void Restart(Parameter parameter, Tensor changed)
    {
        int i = Array.FindIndex(parameters, p => ReferenceEquals(p, parameter));
        if (i < 0) throw new ArgumentException("not a parameter of this optimizer", nameof(parameter));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor mi = Slice(m, i), vi = Slice(v, i), kept = changed.logical_not();
        long others = kept.sum().item<long>();
        double typical = others > 0 ? vi.masked_select(kept).mean().item<float>() : 0;
        using Scalar zero = 0.0.ToScalar(), second = typical.ToScalar();
        mi.masked_fill_(changed, zero);
        vi.masked_fill_(changed, second);
    }

    /// <summary>Saves the moments and the step count (safetensors: m, v, step).</summary>
    public void Save(string path)
    {
        using var step = tensor(Steps);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["m"] = m, ["v"] = v, ["step"] = step });
    }

    /// <summary>Restores what <see cref="Save"/> wrote; the file must hold moments of exactly this optimizer's size, finite
    /// (the second one non-negative), and a non-negative step count, or nothing is changed.</summary>
    public void Load(string path)
    {
        using var scope = NewDisposeScope();
        using Tensor zero = tensor(0L);
        Dictionary<string, Tensor> state = SafeTensors.ReadExpected(path,
            [SafeTensors.Layout.Of("m", m), SafeTensors.Layout.Of("v", v), SafeTensors.Layout.Of("step", zero)], "the optimizer of this model");
        long steps = state["step"].item<long>();
        if (steps < 0) throw new VAEaseException($"{path}: step count {steps} is negative");
        if (state["v"].lt(0).any().item<bool>()) throw new VAEaseException($"{path}: tensor 'v' (Adam's second moment) has negative values");
        using var noGrad = no_grad();
        m.copy_(state["m"]);
        v.copy_(state["v"]);
        Steps = steps;
    }

    public void Dispose()
    {
        flat.Dispose();
        grad.Dispose();
        m.Dispose();
        v.Dispose();
    }
}
