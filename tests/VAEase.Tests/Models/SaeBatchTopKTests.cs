using VAEase.Models;
using static TorchSharp.torch;

namespace VAEase.Tests.Models;

public sealed class SaeBatchTopKTests
{
    static Tensor Rows(params float[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    /// <summary>The training-mode code of one batch of an identity SAE-BatchTopK (pre-activations = the rows).</summary>
    static float[] TrainingCode(int topK, params float[][] rows)
    {
        using var scope = NewDisposeScope();
        using var model = IdentitySae.Create(ModelKind.SaeBatchTopK, latent: rows[0].Length, topK: topK);
        model.train();
        return Values(model.Encode(Rows(rows)).Code);
    }

    [Fact]
    public void Training_keeps_the_k_times_b_largest_entries_of_the_batch_however_they_fall_on_the_rows() =>
        // k·B = 2 entries kept: both from the first row, none from the second.
        Assert.Equal([3f, 2.5f, 0f, 0f, 0f, 0f], TrainingCode(1, [3f, 2.5f, -1f], [0.1f, 0.2f, 0.3f]));

    [Fact]
    public void Entries_tied_with_the_last_kept_one_are_all_kept() =>
        // k·B = 2, but three entries tie at the 2nd largest value 1: all of them stay, whatever order a kernel sees them in.
        Assert.Equal([2f, 1f, 1f, 1f, 0f, 0f], TrainingCode(1, [2f, 1f, 1f], [1f, 0f, -4f]));

    [Fact]
    public void A_batch_with_fewer_positive_entries_than_k_times_b_keeps_them_all() =>
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 0.5f], TrainingCode(2, [1f, -1f, -2f], [-1f, 0f, 0.5f]));

    [Fact]
    public void The_running_threshold_is_the_bias_corrected_moving_average_of_the_batches_thresholds()
    {
        var (first, one) = SaeBatchTopK.NextThreshold(0, 0, 2.0, 0.01);
        Assert.Equal(2.0, first, 12);
        Assert.Equal(1, one);
        // ((1 - a) v1 + v2) / (2 - a) after two batches.
        var (second, two) = SaeBatchTopK.NextThreshold(first, one, 1.0, 0.01);
        Assert.Equal((0.99 * 2.0 + 1.0) / 1.99, second, 12);
        Assert.Equal(2, two);
        // A constant stream stays where it is.
        Assert.Equal(0.7, SaeBatchTopK.NextThreshold(0.7, 500, 0.7, 0.01).Theta, 12);
    }

    [Fact]
    public void Training_steps_move_the_threshold_and_eval_keeps_only_entries_strictly_above_it()
    {
        using var scope = NewDisposeScope();
        using var model = (SaeBatchTopK)IdentitySae.Create(ModelKind.SaeBatchTopK, latent: 3, topK: 1);
        model.eval();
        Assert.Equal([3f, 2f, 1f], Values(model.Encode(Rows([3f, 2f, 1f])).Code)); // theta = 0 before training: ReLU

        model.train();
        model.forward(Rows([3f, 2f, -1f], [0.5f, 0.1f, 1f]));   // keeps 3 and 2: the batch's threshold is 2
        Assert.Equal(2.0, model.Threshold);
        model.eval();
        Assert.Equal([3f, 0f, 0f], Values(model.Encode(Rows([3f, 2f, 1f])).Code)); // 2 = theta is not above it

        model.train();
        model.forward(Rows([1f, 0f, 0f], [0f, 0f, 4f]));        // keeps 4 and 1: threshold 1
        Assert.Equal((0.99 * 2.0 + 1.0) / 1.99, model.Threshold, 6);
        model.eval();
        // theta = 1.497...: 2 and 1.6 pass, 1.4 and 1 do not; each row on its own, whatever else is in the batch.
        Assert.Equal([0f, 2f, 0f, 1.6f, 0f, 0f], Values(model.Encode(Rows([1.4f, 2f, 1f], [1.6f, -3f, 0f])).Code));
        Assert.Equal([0f, 2f, 0f], Values(model.Encode(Rows([1.4f, 2f, 1f])).Code));
    }

    [Fact]
    public void The_threshold_is_part_of_the_saved_weights_and_comes_back_on_load()
    {
        using var scope = NewDisposeScope();
        using var model = IdentitySae.Create(ModelKind.SaeBatchTopK, latent: 3, topK: 1);
        model.train();
        model.forward(Rows([3f, 2f, -1f], [0.5f, 0.1f, 1f]));
        Dictionary<string, Tensor> state = model.state_dict();
        Assert.Equal(2f, state["threshold"].item<float>());
        Assert.Equal(1L, state["threshold_batches"].item<long>());

        using var fresh = (SaeBatchTopK)ModelFactory.Create(model.Config);
        fresh.load_state_dict(state);
        Assert.Equal(2.0, fresh.Threshold);
    }
}
