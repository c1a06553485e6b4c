namespace Interp.FeatureVisualization.Rendering;

/// <summary>Progress of a render: reported after every step.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="Steps">Steps in total.</param>
/// <param name="Objective">The objective's total value at this step.</param>
/// <param name="Elapsed">Time since the render started.</param>
public sealed record RenderProgress(int Step, int Steps, double Objective, TimeSpan Elapsed)
{
    /// <summary>Fraction done, 0…1.</summary>
    public double Fraction => (double)Step / Steps;

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"step {Step}/{Steps}  objective {Objective:G5}  {Elapsed.TotalSeconds:F1} s");
}
