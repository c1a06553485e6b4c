namespace Interp.Microscope;

/// <summary>How far a Microscope build is: units done (built now or found done) of the shard's units, with an estimate of the rest.</summary>
public sealed record MicroscopeProgress(string Layer, int Done, int Total, int Built, TimeSpan Elapsed, TimeSpan? Remaining)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Layer}: {Done}/{Total} units ({Built} built), {Elapsed.TotalSeconds:0} s" + (Remaining is { } r ? $", about {r.TotalSeconds:0} s left" : "");
}
