using Interp.Plots;

namespace Interp.Tests.Plots;

public class TableTests
{
    sealed record Row(string Name, double Value);

    [Fact]
    public void Rows_collected_as_objects_keep_their_columns()
    {
        var typed = Table.Of([new Row("a", 1), new Row("b", 2)]);
        var asObjects = Table.Of(new List<object> { new Row("a", 1), new Row("b", 2) });
        var anonymous = Table.Of(new List<object> { new { Name = "a", Value = 1.0 } });
        Assert.Equal(["Name", "Value"], typed.Columns);
        Assert.Equal(typed.Columns, asObjects.Columns);
        Assert.Equal(typed.Rows.Select(r => r.ToArray()), asObjects.Rows.Select(r => r.ToArray()));
        Assert.Equal(["Name", "Value"], anonymous.Columns);
        Assert.Contains(">b<", asObjects.ToHtml());
        Assert.Empty(Table.Of(new List<object>()).Rows);
        Assert.Contains("2 different types (Row, String)", Assert.Throws<ArgumentException>(() => Table.Of(new List<object> { new Row("a", 1), "b" })).Message);
        Assert.Contains("no public properties", Assert.Throws<ArgumentException>(() => Table.Of(new List<object> { new object() })).Message);
    }
}
