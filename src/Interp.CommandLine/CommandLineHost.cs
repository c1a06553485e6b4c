using System.CommandLine;
using Spectre.Console;

namespace Interp.CommandLine;

/// <summary>
/// Runs a command line with the project's conventions: exit code 0 when the work is done, 2 for arguments that are wrong
/// (an unknown option or verb, a value of the wrong type or out of range, an unknown layer or model: the message names
/// the option and what is valid), 1 when the work failed (a file that cannot be read, an interrupted run). Expected errors
/// print one message, never a stack trace.
/// </summary>
public static class CommandLineHost
{
    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the chosen verb's action.</summary>
    /// <param name="program">The program's name in messages, e.g. <c>interp</c> (the root command takes the executable's name, which differs under a test host).</param>
    public static int Run(RootCommand root, string program, string[] args, TextWriter output, TextWriter error)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"{program}: {e.Message}");
            error.WriteLine($"Run '{CommandPath(parsed.CommandResult.Command, root, program)} --help' to see the options.");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"{program}: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The library's answer to a bad value (an unknown layer, a malformed shard, a size out of range).
            error.WriteLine($"{program}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException or OperationCanceledException)
        {
            error.WriteLine($"{program}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The words that name <paramref name="command"/>, e.g. <c>interp bench profile</c>.</summary>
    static string CommandPath(Command command, RootCommand root, string program)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c == root ? program : c.Name);
        return string.Join(' ', names);
    }

    /// <summary>A console that writes to <paramref name="writer"/>: the terminal itself, or plain text (no colour, no cursor) elsewhere.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(writer),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
}

/// <summary>An error that a verb reports with a chosen exit code (2: the arguments; 1: the work).</summary>
public sealed class CommandLineException(string message, int exitCode = 2) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
