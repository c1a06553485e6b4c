using Interp.FeatureVisualization.Rendering;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public class RedirectedReluTests
{
    [Fact]
    public void An_image_whose_relu_gradient_is_blocked_gets_the_redirected_gradient()
    {
        // Image 0: every input negative, so the ReLU passes no gradient; image 1: one positive input.
        using var x = tensor(new float[] { -1, -2, -3, -4, /* image 1 */ 1, -2, -3, -4 }, [2, 4]);
        using var grad = tensor(new float[] { -1, 2, -3, 4, /* image 1 */ 5, -6, 7, -8 }, [2, 4]);
        using var g = RedirectedRelu.Gradient(x, grad);
        // Image 0: pass gradients that would raise x (negative loss gradient), block the others.
        // Image 1: the ordinary ReLU gradient (only where x >= 0).
        Assert.Equal(new float[] { -1, 0, -3, 0, 5, 0, 0, 0 }, g.data<float>().ToArray());
    }

    [Fact]
    public void The_forward_pass_is_an_ordinary_relu_and_backward_uses_the_rule()
    {
        using var x = tensor(new float[] { -1, -2, 0.5f, -4 }, [1, 4]).requires_grad_();
        using var negOnly = tensor(new float[] { -1, -2, -3, -4 }, [1, 4]).requires_grad_();
        using var y = RedirectedRelu.Apply(negOnly);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, y.data<float>().ToArray());
        // Maximizing the sum (minimizing its negative): the loss gradient is -1 everywhere, which would
        // raise every input, so all of it passes although the ReLU blocks everything.
        using var loss = -y.sum();
        loss.backward();
        Assert.Equal(new float[] { -1, -1, -1, -1 }, negOnly.grad!.data<float>().ToArray());

        using var y2 = RedirectedRelu.Apply(x);
        Assert.Equal(new float[] { 0, 0, 0.5f, 0 }, y2.data<float>().ToArray());
        using var loss2 = -y2.sum();
        loss2.backward();
        Assert.Equal(new float[] { 0, 0, -1, 0 }, x.grad!.data<float>().ToArray());
    }
}
