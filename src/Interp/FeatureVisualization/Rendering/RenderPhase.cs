namespace Interp.FeatureVisualization.Rendering;

/// <summary>The parts of one render step, in the order a <see cref="RenderSession"/> runs them.</summary>
public enum RenderPhase
{
    /// <summary>The parameterization makes the image batch.</summary>
    Image,
    /// <summary>The random transforms (and the resize to the model's size, if any).</summary>
    Transforms,
    /// <summary>The model's forward pass, up to the deepest layer the objective reads.</summary>
    Forward,
    /// <summary>The objective's total.</summary>
    Objective,
    /// <summary>The backward pass to the image parameters.</summary>
    Backward,
    /// <summary>Adam's update.</summary>
    Optimizer,
    /// <summary>The step's tensors are freed.</summary>
    Release,
}

/// <summary>Told when each phase of a render step ends (e.g. to time it or read the memory); see <see cref="RenderSession.Observer"/>.</summary>
public interface IRenderStepObserver
{
    /// <summary>A step begins.</summary>
    void StepStarting(int step);
    /// <summary><paramref name="phase"/> of the current step has ended.</summary>
    void PhaseEnded(RenderPhase phase);
}
