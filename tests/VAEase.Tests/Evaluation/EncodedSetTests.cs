using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Networks;
using VAEase.Training;
using static TorchSharp.torch;

namespace VAEase.Tests.Evaluation;

public sealed class EncodedSetTests
{
    [Fact]
    public void Encoding_in_batches_gives_the_rows_of_one_whole_pass()
    {
        using var scope = NewDisposeScope();
        manual_seed(61);
        using var model = ModelFactory.Create(new ModelConfig { Kind = ModelKind.SaeL1, InputDim = 6, Latent = 5, Encoder = EncoderKind.Linear });
        using var data = new Dataset(randn(23, 6), null, "random");

        EncodedSet batched = EncodedSet.Of(model, data, batchSize: 5);

        Encoding whole;
        using (no_grad()) whole = model.Encode(data.X);
        Assert.Equal(23, batched.Count);
        Assert.Equal(ActivityKind.LogMagnitude, batched.Kind);
        Assert.Equal(double.NegativeInfinity, batched.OffLevel);
        Assert.Equal(whole.Code.data<float>().ToArray(), batched.Code, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(whole.Activity.data<float>().ToArray(), batched.Activity, (a, b) => a == b || Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Decoding_the_same_codes_gives_the_same_error_to_the_last_bit_every_time()
    {
        // The codes live in a managed array; wrapped as they were, the decoder's GEMM read them at whatever
        // alignment the GC gave the copy, and the sum came out in one of two roundings (an RE test failed in CI).
        using var scope = NewDisposeScope();
        manual_seed(62);
        using var model = ModelFactory.Create(Recipes.Synthetic(ModelKind.VAEase, "linear", "linear:d=6,dims=1+2,n=600", 6, 3).Model with { Latent = 10 });
        using var data = DataSpec.Load("linear:d=6,dims=1+2,n=600,seed=2");
        EncodedSet encoded = EncodedSet.Of(model, data);

        // Between calls, allocations of other sizes move where the GC puts the next managed array.
        double[] errors = Enumerable.Range(0, 12).Select(i => { GC.KeepAlive(new byte[8 * i]); return encoded.SquaredError(model, data); }).ToArray();

        Assert.All(errors, e => Assert.Equal(BitConverter.DoubleToInt64Bits(errors[0]), BitConverter.DoubleToInt64Bits(e)));
    }
}
