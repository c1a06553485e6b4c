using Interp.Models;

namespace Interp.Zoo;

/// <summary>A zoo entry as plain data, for tables: what it is, where from, and whether it is here.</summary>
public sealed record ZooModelInfo(string Name, string Description, string Source, string License, string Input, bool Present, string HowToGet);
