using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.Model;

/// <summary>A diagnostic to report, kept equatable: the descriptor, where, and the message arguments as strings.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArgs) =>
        new(descriptor, LocationInfo.From(location), messageArgs.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. MessageArgs]);
}
