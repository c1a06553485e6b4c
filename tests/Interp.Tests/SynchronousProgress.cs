namespace Interp.Tests;

/// <summary>Reports progress on the calling thread, at once (<see cref="Progress{T}"/> posts to a synchronization context).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
