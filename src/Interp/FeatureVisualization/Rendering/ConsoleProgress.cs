namespace Interp.FeatureVisualization.Rendering;

/// <summary>Progress on the console: an in-place line on a terminal, a line per 10% when output is redirected.</summary>
public sealed class ConsoleProgress(string title = "rendering") : IProgress<RenderProgress>
{
    int _lastDecile = -1;

    /// <inheritdoc/>
    public void Report(RenderProgress value)
    {
        if (!Console.IsOutputRedirected)
        {
            int width = 30, filled = (int)(value.Fraction * width);
            Console.Write($"\r{title} [{new string('#', filled)}{new string('.', width - filled)}] {value}");
            if (value.Step == value.Steps) Console.WriteLine();
            return;
        }
        int decile = (int)(value.Fraction * 10);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.WriteLine($"{title}: {value}");
    }
}
