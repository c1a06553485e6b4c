using Interp.Units;

namespace Interp.Tests.Units;

public class UnitTests
{
    [Theory]
    [InlineData("layer3.1.conv2", "layer3.1.conv2", null, null, null)]
    [InlineData("layer3.1.conv2:42", "layer3.1.conv2", 42, null, null)]
    [InlineData("layer3:42@7,6", "layer3", 42, 7, 6)]
    [InlineData(" mixed4a:476 ", "mixed4a", 476, null, null)]
    public void Parses_the_printed_forms(string text, string layer, int? channel, int? y, int? x)
    {
        var u = Unit.Parse(text);
        Assert.Equal(layer, u.Layer);
        Assert.Equal(channel, u.Channel);
        Assert.Equal(y, u.Position?.Y);
        Assert.Equal(x, u.Position?.X);
        Assert.Equal(text.Trim(), u.ToString());
        Assert.Equal(u, Unit.Parse(u.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("layer3:")]
    [InlineData("layer3:x")]
    [InlineData("layer3@7,7")]
    [InlineData("layer3:1@7")]
    [InlineData(":4")]
    public void Rejects_malformed_addresses_with_the_valid_forms(string text)
    {
        var e = Assert.Throws<FormatException>(() => Unit.Parse(text));
        Assert.Contains("layer:channel@y,x", e.Message);
        Assert.False(Unit.TryParse(text, out _));
    }

    [Fact]
    public void Validation_states_the_valid_range()
    {
        long[] shape = [1, 256, 14, 14];
        Unit.Parse("layer3:255@13,13").Validate(shape);
        var ch = Assert.Throws<ArgumentOutOfRangeException>(() => Unit.Parse("layer3:256").Validate(shape));
        Assert.Contains("256 channels; valid channels are 0..255", ch.Message);
        var pos = Assert.Throws<ArgumentOutOfRangeException>(() => Unit.Parse("layer3:3@14,0").Validate(shape));
        Assert.Contains("14x14", pos.Message);
        Assert.Contains("y in 0..13", pos.Message);
    }

    [Fact]
    public void A_position_needs_a_channel()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new Unit("layer3").At(1, 2));
        Assert.Contains("layer3:0@1,2", e.Message);
        Assert.Equal("layer3:5@1,2", new Unit("layer3").WithChannel(5).At(1, 2).ToString());
    }
}
