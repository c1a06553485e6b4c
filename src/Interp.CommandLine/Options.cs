using System.CommandLine;
using System.Globalization;

namespace Interp.CommandLine;

/// <summary>Options with their checks, so that a wrong value is refused at parse time with the option's name and what is valid.</summary>
public static class Options
{
    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> Integer(string name, string description, int fallback, int minimum = 1, int? maximum = null)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            int value;
            try { value = result.GetValueOrDefault<int>(); }
            catch (InvalidOperationException) { return; }   // not a number: the parser reports that itself
            if (value < minimum || value > maximum)
                result.AddError($"{name} must be {(maximum is { } max ? $"between {minimum} and {max}" : $"at least {minimum}")}; got {value}.");
        });
        return option;
    }

    /// <summary>An integer option that may be left out (then null: the caller's default applies) and, when given, is at least <paramref name="minimum"/>.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int minimum = 1)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            int? value;
            try { value = result.GetValueOrDefault<int?>(); }
            catch (InvalidOperationException) { return; }   // not a number: the parser reports that itself
            if (value < minimum) result.AddError($"{name} must be at least {minimum}; got {value}.");
        });
        return option;
    }

    /// <summary>A required integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> RequiredInteger(string name, string description, int minimum = 1)
    {
        var option = Integer(name, description, 0, minimum);
        option.DefaultValueFactory = null;
        option.Required = true;
        return option;
    }

    /// <summary>A list of integers written with commas, e.g. <c>1,4,8</c>, each at least <paramref name="minimum"/>.</summary>
    public static Option<IReadOnlyList<int>> IntegerList(string name, string description, IReadOnlyList<int> fallback, int minimum = 1)
    {
        var option = new Option<IReadOnlyList<int>>(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            HelpName = "n,n,…",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                var values = new List<int>();
                foreach (var part in text.Split(','))
                {
                    if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < minimum)
                    {
                        result.AddError($"{name} takes integers of at least {minimum} separated by commas, e.g. {string.Join(',', fallback)}; got '{text}'.");
                        return fallback;
                    }
                    values.Add(v);
                }
                return values;
            },
        };
        return option;
    }

    /// <summary>A string option whose value must be one of <paramref name="choices"/>.</summary>
    public static Option<string> Choice(string name, string description, string fallback, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    /// <summary>The thread count: at least 1 (libtorch's results are bitwise reproducible only at a fixed count).</summary>
    public static Option<int> Threads(int fallback) =>
        Integer("--threads", $"Threads for libtorch (results are bitwise reproducible only at a fixed count); default {fallback}.", fallback, 1, 1024);
}
