using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Interp.Tests.Architecture;

/// <summary>
/// The library's top-level folders (namespaces <c>Interp.&lt;Folder&gt;</c>) form layers: no folder may depend on another that
/// depends on it, directly or through others. Read from the compiled library, so every real use counts (signatures, method
/// bodies, attributes, closures) and documentation comments do not.
/// </summary>
public class FolderDependencyTests(ITestOutputHelper output)
{
    /// <summary>Folder → folders it uses, each with one example "type → type" that shows the use.</summary>
    internal static Dictionary<string, Dictionary<string, string>> Graph(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in module.GetTypes())
        {
            var from = Folder(type);
            if (from is null) continue;
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            foreach (var used in Uses(type))
            {
                if (used.Module != module && used.Scope.Name != module.Assembly.Name.Name) continue;
                var to = Folder(used);
                if (to is null || to == from) continue;
                edges.TryAdd(to, $"{type.FullName} → {used.FullName}");
            }
        }
        return graph;
    }

    /// <summary>The top-level folder of a type of the library: <c>Interp.Hooks.HookedModel</c> → <c>Hooks</c>; null for the root namespace.</summary>
    static string? Folder(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        var parts = type.Namespace.Split('.');
        return parts.Length >= 2 && parts[0] == "Interp" ? parts[1] : null;
    }

    static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        IEnumerable<TypeReference> Of(TypeReference? t)
        {
            if (t is null) yield break;
            if (t is GenericInstanceType g) foreach (var a in g.GenericArguments.SelectMany(Of)) yield return a;
            if (t is TypeSpecification spec) { foreach (var x in Of(spec.ElementType)) yield return x; yield break; }
            if (t is GenericParameter) yield break;
            yield return t;
        }
        IEnumerable<TypeReference> OfMethod(MethodReference m) =>
            Of(m.DeclaringType).Concat(Of(m.ReturnType)).Concat(m.Parameters.SelectMany(p => Of(p.ParameterType)))
                .Concat(m is GenericInstanceMethod gm ? gm.GenericArguments.SelectMany(Of) : []);
        IEnumerable<TypeReference> OfAttributes(ICustomAttributeProvider p) =>
            p.HasCustomAttributes ? p.CustomAttributes.SelectMany(a => Of(a.AttributeType).Concat(a.ConstructorArguments.Select(c
                => c.Value).OfType<TypeReference>().SelectMany(Of))) : [];

        foreach (var t in Of(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Of(i.InterfaceType)) yield return t;
        foreach (var t in OfAttributes(type)) yield return t;
        foreach (var f in type.Fields) foreach (var t in Of(f.FieldType).Concat(OfAttributes(f))) yield return t;
        foreach (var p in type.Properties) foreach (var t in Of(p.PropertyType).Concat(OfAttributes(p))) yield return t;
        foreach (var m in type.Methods)
        {
            foreach (var t in OfMethod(m).Concat(OfAttributes(m))) yield return t;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) foreach (var t in Of(v.VariableType)) yield return t;
            foreach (var instruction in m.Body.Instructions)
            {
                var found = instruction.Operand switch
                {
                    MethodReference mr => OfMethod(mr),
                    FieldReference fr => Of(fr.DeclaringType).Concat(Of(fr.FieldType)),
                    TypeReference tr => Of(tr),
                    _ => [],
                };
                foreach (var t in found) yield return t;
            }
        }
    }

    /// <summary>The cycles of the graph: strongly connected sets of two or more folders (Tarjan).</summary>
    internal static List<List<string>> Cycles(Dictionary<string, Dictionary<string, string>> graph)
    {
        int index = 0;
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            indices[v] = low[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!indices.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], indices[w]);
            }
            if (low[v] != indices[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add([.. component.Order()]);
        }
        foreach (var v in graph.Keys.Order()) if (!indices.ContainsKey(v)) Visit(v);
        return result;
    }

    [Fact]
    public void The_librarys_folders_have_no_import_cycle()
    {
        var graph = Graph(typeof(Interp.Hooks.HookedModel).Assembly.Location);
        foreach (var (from, edges) in graph.OrderBy(kv => kv.Key))
            output.WriteLine($"{from} → {string.Join(", ", edges.Keys.Order())}");
        var cycles = Cycles(graph);
        var explained = cycles.Select(c => string.Join(" ↔ ", c) + ": " + string.Join("; ",
            from a in c from b in c where graph.GetValueOrDefault(a)?.ContainsKey(b) == true select graph[a][b]));
        Assert.True(cycles.Count == 0, "Folders that depend on each other (move one use to a layer above both):\n" + string.Join("\n", explained));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_through_three_folders_and_none_in_a_chain()
    {
        static Dictionary<string, Dictionary<string, string>> G(params (string From, string To)[] edges)
        {
            var g = new Dictionary<string, Dictionary<string, string>>();
            foreach (var (a, b) in edges) (g.TryGetValue(a, out var e) ? e : g[a] = [])[b] = $"{a}→{b}";
            return g;
        }
        Assert.Equal([["A", "B", "C"]], Cycles(G(("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"))));
        Assert.Empty(Cycles(G(("A", "B"), ("B", "C"), ("A", "C"))));
    }
}
