namespace Interp.Hooks;

/// <summary>A registered hook; disposing it removes the hook. Disposing twice is harmless.</summary>
public sealed class HookHandle : IDisposable
{
    readonly Action _remove;
    bool _disposed;

    internal HookHandle(Action remove) => _remove = remove;

    /// <summary>Whether the hook is still registered.</summary>
    public bool IsActive => !_disposed;

    /// <summary>Removes the hook.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _remove();
    }
}
