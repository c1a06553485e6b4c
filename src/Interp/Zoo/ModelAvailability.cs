using Interp.Models;

namespace Interp.Zoo;

/// <summary>Whether a zoo model's weights are on this machine, where, and how to get them if not.</summary>
public sealed record ModelAvailability(bool IsPresent, string? Location, string HowToGet);
