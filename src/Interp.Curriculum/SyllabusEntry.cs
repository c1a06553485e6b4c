namespace Interp.Curriculum;

/// <summary>One notebook of the course, as <c>notebooks/syllabus.json</c> describes it.</summary>
/// <param name="Number">Its two-digit number, e.g. <c>02</c>.</param>
/// <param name="File">Its file name in <c>notebooks/</c>.</param>
/// <param name="Title">The title after the number in its first heading.</param>
/// <param name="Minutes">The time budget its first cell states.</param>
/// <param name="Prerequisites">The numbers of the notebooks to do first.</param>
/// <param name="OpenProblems">The open problems (numbered as in the Circuits thread's list) it touches.</param>
/// <param name="Status">How finished it is, e.g. <c>ready</c>.</param>
/// <param name="Summary">One line for README's table.</param>
/// <param name="Objectives">The learning objectives, as its first cell lists them (markdown).</param>
public sealed record SyllabusEntry(
    string Number, string File, string Title, int Minutes, IReadOnlyList<string> Prerequisites, IReadOnlyList<string> OpenProblems,
    string Status, string Summary, IReadOnlyList<string> Objectives);
