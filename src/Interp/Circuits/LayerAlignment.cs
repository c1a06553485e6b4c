using Interp.Hooks;
using Interp.Stimuli;

namespace Interp.Circuits;

/// <summary>
/// Where the positions of a later layer (<see cref="Target"/>) fall on an earlier layer's map (<see cref="Source"/>): target
/// position i is centred on source position <see cref="Stride"/>·i + <see cref="Offset"/> (in source positions, possibly
/// fractional), and one source position spans <see cref="SourceJump"/> input pixels. Derived from both layers' receptive fields.
/// </summary>
public sealed record LayerAlignment(string Source, string Target, int Stride, double Offset, int SourceJump, long TargetHeight, long TargetWidth,
    double CentreX, double CentreY)
{
    /// <summary>
    /// The alignment of <paramref name="target"/> on <paramref name="source"/> at the model's input size. <see cref="CentreX"/>,
    /// <see cref="CentreY"/> are the input pixel coordinates of the centre of the target's central position (row H/2, column W/2).
    /// </summary>
    public static LayerAlignment Between(HookedModel model, string source, string target)
    {
        var s = ReceptiveFields.Geometry(model, source);
        var t = ReceptiveFields.Geometry(model, target);
        if (t.Jump % s.Jump != 0 || t.Jump < s.Jump)
            throw new ArgumentException($"'{target}' steps {t.Jump} px per position and '{source}' {s.Jump} px: an artificial unit on '{source}' must read a layer " +
                                        $"at the same or a finer step, e.g. an earlier layer.", nameof(source));
        var shape = model.Layer(target).Shape;
        double offset = (t.StartX + t.Size / 2.0 - s.StartX - s.Size / 2.0) / s.Jump;
        long h = shape[2], w = shape[3];
        return new LayerAlignment(source, target, t.Jump / s.Jump, offset, s.Jump, h, w,
            t.StartX + (w / 2) * t.Jump + t.Size / 2.0, t.StartY + (h / 2) * t.Jump + t.Size / 2.0);
    }

    /// <summary>
    /// The coordinates in a kernel of odd side <paramref name="size"/> (as <see cref="ArtificialUnit"/> applies it) of the input
    /// pixel (<paramref name="x"/>, <paramref name="y"/>) drawn for the target's central position: fractional, (size − 1)/2 at the centre.
    /// </summary>
    public (double Column, double Row) KernelPosition(double x, double y, int size) =>
        ((size - 1) / 2.0 + Offset + (x - CentreX) / SourceJump, (size - 1) / 2.0 + Offset + (y - CentreY) / SourceJump);
}
