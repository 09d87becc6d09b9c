using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Networks;
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
}
