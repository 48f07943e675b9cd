using Microsoft.CodeAnalysis;

namespace TypedIo.Analyzers;

/// <summary>
/// The analyzers' diagnostics: one catalog. Ids continue the generator's (TIO001–TIO013) and are never reused; each
/// has a section in docs/diagnostics.md. TIO001, TIO004 and TIO009 stay with the generator (see docs/diagnostics.md):
/// the code fix of TIO001 lives in TypedIo.Analyzers.CodeFixes.
/// </summary>
internal static class TypedIoDiagnostics
{
    public const string Category = "TypedIo";

    /// <summary>The generator's id for a hub that is not partial (fixed by the code fix "Make the hub partial").</summary>
    public const string HubNotPartialId = "TIO001";

    /// <summary>The property of a TIO020 diagnostic that carries the suggested event name.</summary>
    public const string SuggestionProperty = "Suggestion";

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true,
            helpLinkUri: $"https://github.com/typedio/typedio/blob/main/docs/diagnostics.md#{id.ToLowerInvariant()}");

    public static readonly DiagnosticDescriptor MisspelledEvent = Create("TIO020",
        "Misspelled event name",
        "'{0}' is not a {1} event of '{2}'; did you mean '{3}'?",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UndeclaredEvent = Create("TIO021",
        "Event not declared in the hub's contract",
        "'{0}' is not a {1} event of '{2}'{3}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor EmitArgumentsMismatch = Create("TIO022",
        "Emitted arguments do not match the event",
        "Event '{0}' of '{1}' {2}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor IncompatibleDirections = Create("TIO023",
        "An event travels both ways with incompatible payloads",
        "Event '{0}' of '{1}' is '{2}' from client to server but '{3}' from server to client",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor BlockingCallInHub = Create("TIO024",
        "A hub blocks on a task",
        "'{0}' blocks a thread of the server until the task completes; await it instead",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TupleAck = Create("TIO025",
        "An ack carries one value",
        "'{0}' acks the tuple '{1}', which System.Text.Json writes as an empty object; return a record with one property per value",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotSerializable = Create("TIO026",
        "Type cannot travel as JSON",
        "'{0}' of '{1}' has type '{2}': {3}",
        DiagnosticSeverity.Error);
}
