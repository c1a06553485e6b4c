using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// CNTK's "same" padding, as materialized in its ONNX export: the output has ceil(in/stride) pixels and
/// the total padding max((out − 1)·stride + kernel − in, 0) is split with the larger half first
/// (top/left). At 224 px this gives the export's fixed pads (7×7/2: 3 and 2; 3×3/2: 1 and 0); computing
/// it per input keeps other input sizes consistent (the residual branches then always agree in size).
/// </summary>
public static class SamePadding
{
    /// <summary>(before, after) padding for one dimension.</summary>
    public static (long Before, long After) Of(long size, long kernel, long stride)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return ((total + 1) / 2, total / 2);
    }

    /// <summary>Pads an [N, C, H, W] tensor for a kernel and stride; <paramref name="value"/> fills the border.</summary>
    public static Tensor Apply(Tensor x, long kernel, long stride, double value = 0)
    {
        var (top, bottom) = Of(x.shape[2], kernel, stride);
        var (left, right) = Of(x.shape[3], kernel, stride);
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
        return nn.functional.pad(x, [left, right, top, bottom], value: value);
    }
}
