using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace Interp.Plots;

/// <summary>
/// Rows of values under named columns: shown as an HTML table in notebooks, available as data.
/// <see cref="Of{T}"/> makes one column per public property (records and anonymous types).
/// </summary>
public sealed class Table
{
    /// <summary>Creates a table; every row must have one value per column.</summary>
    public Table(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<object?>> rows, string? title = null)
    {
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            if (row.Count != columns.Count)
                throw new ArgumentException($"Row {i} has {row.Count} values but the table has {columns.Count} columns ({string.Join(", ", columns)}).");
        Columns = columns;
        Rows = rows;
        Title = title;
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>The rows.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows { get; }
    /// <summary>An optional caption.</summary>
    public string? Title { get; }

    /// <summary>
    /// A table with one column per public instance property of <typeparamref name="T"/>, or, when <typeparamref name="T"/>
    /// has none (rows collected as <c>object</c>), of the rows' own type; rows of different types are refused.
    /// </summary>
    public static Table Of<T>(IEnumerable<T> items, string? title = null)
    {
        var list = items.ToList();
        var type = typeof(T);
        if (Properties(type).Count == 0 && list.Count > 0)
        {
            var types = list.Select(i => i?.GetType()).Distinct().ToList();
            if (types.Count != 1 || types[0] is null)
                throw new ArgumentException($"The rows are of {types.Count} different types ({string.Join(", ", types.Select(t => t?.Name ?? "null"))}); " +
                    "a table's rows share one type, whose properties are its columns.", nameof(items));
            type = types[0]!;
        }
        var props = Properties(type);
        if (props.Count == 0 && list.Count > 0)
            throw new ArgumentException($"Type {type.Name} has no public properties, so a table of it would have no columns; use a record or an anonymous type.", nameof(items));
        var rows = list.Select(item => (IReadOnlyList<object?>)props.Select(p => p.GetValue(item)).ToList()).ToList();
        return new Table(props.Select(p => p.Name).ToList(), rows, title);
    }

    static List<PropertyInfo> Properties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0)];

    /// <summary>The HTML form.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder("<table style=\"border-collapse:collapse;font-size:13px\">");
        if (Title is not null) sb.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(WebUtility.HtmlEncode(Title)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var c in Columns) sb.Append("<th style=\"border:1px solid #ccc;padding:2px 6px;text-align:left\">").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            sb.Append("<tr>");
            foreach (var v in row) sb.Append("<td style=\"border:1px solid #ccc;padding:2px 6px;vertical-align:top\">").Append(WebUtility.HtmlEncode(Cell(v))).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>A plain-text form with aligned columns.</summary>
    public override string ToString()
    {
        var cells = Rows.Select(r => r.Select(Cell).ToList()).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToList();
        var sb = new StringBuilder();
        if (Title is not null) sb.AppendLine(Title);
        sb.AppendLine(string.Join("  ", Columns.Select((c, i) => c.PadRight(widths[i]))));
        foreach (var r in cells) sb.AppendLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))));
        return sb.ToString();
    }

    static string Cell(object? v) => v switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Cell)) + "]",
        _ => v.ToString() ?? "",
    };
}
