using TorchSharp;
using VAEase.Data;
using VAEase.Evaluation;
using VAEase.Models;
using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class LeakTests
{
    [Theory]
    [InlineData(ModelKind.VAEase)]
    [InlineData(ModelKind.SaeLog)]
    [InlineData(ModelKind.SaeBatchTopK)] // its running threshold is updated outside the graph, every step
    public void Training_and_evaluation_leave_the_number_of_live_tensors_flat(ModelKind kind)
    {
        RunConfig run = TrainingFixture.Run(kind, "linear:d=8,dims=2+2,n=4000,seed=2", epochs: 1);
        using Dataset data = DataSpec.Load(run.Data);
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        string dir = TrainingFixture.TempDir();
        try
        {
            // Warm up once (parameters, optimizer state), then the same run again must not add tensors per step.
            using (Trainer.Train(run, data, dir, new TrainOptions()).Model) { }
            Directory.Delete(dir, recursive: true);
            long before = Live();
            var longer = run with { Training = run.Training with { Epochs = 3 } };
            using (var model = Trainer.Train(longer, data, dir, new TrainOptions()).Model)
                Evaluator.Evaluate(model, data, batchSize: 512);
            long after = Live();
            Assert.True(after - before < 10, $"{after - before} tensors left alive");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
