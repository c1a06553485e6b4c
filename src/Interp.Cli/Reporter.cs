namespace Interp.Cli;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread.</summary>
sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
