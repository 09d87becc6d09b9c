namespace VAEase.Experiments;

/// <summary>How a sweep runs on this machine (not what it trains: that is the <see cref="SweepConfig"/>).</summary>
public sealed record SweepOptions
{
    /// <summary>Member processes at once.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>libtorch threads of each member process; null: the cores divided among <see cref="Jobs"/> (at least 1).</summary>
    public int? Threads { get; init; }

    /// <summary>Train the members that draw the same batches in one process, on one pass over their data
    /// (<see cref="Training.Trainer.TrainTogether"/>); false: one process per member, as the plan's jobs.txt.</summary>
    public bool SharedPass { get; init; } = true;

    /// <summary>The compute device of the members and of their evaluation (cpu, cuda, cuda:N).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The threads each member process is given.</summary>
    public int ThreadsPerJob => Threads ?? Math.Max(1, Environment.ProcessorCount / Jobs);

    /// <summary>Throws ArgumentException naming the first invalid field.</summary>
    public SweepOptions Validate()
    {
        if (Jobs < 1) throw new ArgumentException($"must be >= 1, got {Jobs}", nameof(Jobs));
        if (Threads < 1) throw new ArgumentException($"must be >= 1, got {Threads}", nameof(Threads));
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("a device is required", nameof(Device));
        return this;
    }
}
