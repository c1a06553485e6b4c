namespace Interp.Curriculum;

/// <summary>A package's <c>interactive-extensions/dotnet/extension.dib</c>, as the runner loads it.</summary>
public static class KernelExtensionScript
{
    /// <summary>The C# of an <c>extension.dib</c>: its <c>#!csharp</c> (or <c>#!c#</c>) sections, in order.</summary>
    public static string Code(string path)
    {
        var code = new List<string>();
        bool csharp = false;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("#!", StringComparison.Ordinal)) { csharp = line.Trim() is "#!csharp" or "#!c#"; continue; }
            if (csharp) code.Add(line);
        }
        return string.Join("\n", code);
    }
}
