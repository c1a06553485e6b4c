namespace Interp.Training;

/// <summary>
/// The steps at which a training run keeps a snapshot of its weights: step s is the model after s optimization steps (0 is the
/// initialization). Sorted, distinct, within [0, the run's steps].
/// </summary>
public sealed record CheckpointSchedule
{
    /// <summary>A schedule of exactly <paramref name="steps"/> (sorted and deduplicated; at least one, none negative).</summary>
    public CheckpointSchedule(IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var sorted = steps.Distinct().Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("The schedule has no checkpoints: give at least one step (0 is the initialization).", nameof(steps));
        if (sorted[0] < 0)
            throw new ArgumentException($"Checkpoint steps count optimization steps from 0 (the initialization); got {sorted[0]}.", nameof(steps));
        Steps = sorted;
    }

    /// <summary>The snapshot steps, ascending.</summary>
    public IReadOnlyList<int> Steps { get; }

    /// <summary>
    /// Dense early, then regular: step 0, <paramref name="early"/> steps log-spaced from 1 up to <paramref name="every"/>, then every
    /// <paramref name="every"/> steps, and always the last step <paramref name="totalSteps"/>. For 900 steps, 8 and 50: 0, 1, 2, 3, 5,
    /// 9, 16, 29, 50, 100, 150, …, 900 (26 snapshots).
    /// </summary>
    public static CheckpointSchedule LogThenEvery(int totalSteps, int early = 8, int every = 50)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "A run has at least one step.");
        if (early < 0) throw new ArgumentOutOfRangeException(nameof(early), early, "Give zero or more early (log-spaced) checkpoints.");
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "Checkpoints come every 1 step or more.");
        var steps = new List<int> { 0, totalSteps };
        int last = Math.Min(every, totalSteps);
        for (int i = 0; i < early; i++)
            steps.Add(early == 1 ? last : (int)Math.Round(Math.Exp(Math.Log(last) * i / (early - 1))));
        for (int s = every; s <= totalSteps; s += every) steps.Add(s);
        return new CheckpointSchedule(steps);
    }

    /// <summary>Refuses a schedule that reaches beyond a run of <paramref name="totalSteps"/> steps.</summary>
    public CheckpointSchedule ValidateFor(int totalSteps)
    {
        if (Steps[^1] > totalSteps)
            throw new ArgumentException($"The schedule's last checkpoint, step {Steps[^1]}, is beyond the run's {totalSteps} steps: steps 0 to {totalSteps} are valid.");
        return this;
    }

    /// <summary>Whether the weights after <paramref name="step"/> optimization steps are kept.</summary>
    public bool Contains(int step) => Array.BinarySearch((int[])Steps, step) >= 0;

    /// <inheritdoc/>
    public bool Equals(CheckpointSchedule? other) => other is not null && Steps.SequenceEqual(other.Steps);

    /// <inheritdoc/>
    public override int GetHashCode() => Steps.Aggregate(17, (h, s) => h * 31 + s);

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", Steps)}]";
}
