using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Lucid's gradient redirection for ReLUs, used in the first steps of an optimization: the forward pass
/// is an ordinary ReLU; in the backward pass, for an image whose ReLU gradient is entirely zero (every
/// unit blocked), the gradient is let through where it would raise a negative input, so that the
/// optimization does not start stuck. Images with any gradient get the ordinary ReLU gradient.
/// </summary>
public sealed class RedirectedRelu : autograd.SingleTensorFunction<RedirectedRelu>
{
    /// <inheritdoc/>
    public override string Name => nameof(RedirectedRelu);

    /// <summary>ReLU of <paramref name="x"/> with the redirected gradient.</summary>
    public static Tensor Apply(Tensor x) => apply(x);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_for_backward([x]);
        return x.relu();
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad) => [Gradient(ctx.get_saved_variables()[0], grad)];

    /// <summary>
    /// The redirected gradient of the loss (to be minimized) with respect to the ReLU input
    /// <paramref name="x"/>, given the gradient <paramref name="grad"/> with respect to its output.
    /// </summary>
    public static Tensor Gradient(Tensor x, Tensor grad)
    {
        using var scope = NewDisposeScope();
        var zero = zeros_like(grad);
        var negative = x < 0;
        var reluGrad = where(negative, zero, grad);
        // Where x < 0, a positive loss gradient would push x further down: block only that.
        var redirected = where(negative.logical_and(grad > 0), zero, grad);
        var passes = reluGrad.flatten(1).norm(1) > 0;                                  // [N]
        var shape = new long[grad.ndim];
        Array.Fill(shape, 1L);
        shape[0] = grad.shape[0];
        return where(passes.view(shape), reluGrad, redirected).MoveToOuterDisposeScope();
    }
}
