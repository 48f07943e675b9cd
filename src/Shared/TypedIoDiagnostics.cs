using Microsoft.CodeAnalysis;

namespace TypedIo.CodeAnalysis;

/// <summary>
/// Every diagnostic of TypedIo's compile-time tools, in one catalog compiled into both the generator and the analyzers
/// (one source file, linked). Ids are stable and never reused; each has a section in docs/diagnostics.md, and the
/// release tracking files next to this one list them all.
/// </summary>
/// <remarks>
/// TIO001–TIO009, TIO012–TIO014: the generator, about hubs and contracts it cannot serve. TIO010, TIO011, TIO015:
/// the generator's TypeScript declarations. TIO020–TIO026: the analyzers, about untyped calls and contract mistakes. TIO100+:
/// the build wiring (TIO100, TIO101 are MSBuild messages of the package's targets; TIO102 an analyzer's).
/// </remarks>
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

    // ---- the generator: hubs and contracts ----

    public static readonly DiagnosticDescriptor HubNotPartial = Create("TIO001",
        "A hub must be partial",
        "The hub '{0}' must be declared 'partial' so that the generator can add its dispatch and emitters",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HubWithoutClientContract = Create("TIO002",
        "A hub must derive from SocketHub<TClient>",
        "The hub '{0}' must derive from SocketHub<TClient>, where TClient is its server-to-client event interface",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HubShapeUnsupported = Create("TIO003",
        "A hub must be a top-level, non-generic class",
        "The hub '{0}' must be a top-level, non-generic, non-abstract class",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateEventName = Create("TIO004",
        "Two events share a wire name",
        "'{0}' and '{1}' both travel as event '{2}' ({3}); give one of them another [Event] name",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create("TIO005",
        "Unsupported event return type",
        "'{0}' returns '{1}'; an event method returns Task or ValueTask (no ack), or Task<T> or ValueTask<T> (an ack carrying T)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MisplacedCancellationToken = Create("TIO006",
        "A CancellationToken must be the last parameter",
        "'{0}' has a CancellationToken that is not its last parameter, or more than one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedParameter = Create("TIO007",
        "Unsupported event parameter",
        "Parameter '{0}' of '{1}' is not supported: {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GenericEventMethod = Create("TIO008",
        "Event methods cannot be generic",
        "'{0}' is generic; an event method has fixed parameter types",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidEventName = Create("TIO009",
        "Invalid event name",
        "'{0}' travels as '{1}', which {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidNamespace = Create("TIO012",
        "Invalid namespace",
        "The hub '{0}' serves '{1}', which {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NonContractMember = Create("TIO013",
        "Contract interfaces declare only event methods",
        "'{0}' is not an event method; a contract interface declares only methods (no properties, events or static members)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor EmitterMemberClash = Create("TIO014",
        "A server-to-client event hides a member of the generated emitters",
        "'{0}' is also a member of the generated emitters ({1}); rename the method, and keep its wire name with [Event(\"{2}\")] if needed",
        DiagnosticSeverity.Error);

    // ---- the generator: TypeScript declarations ----

    public static readonly DiagnosticDescriptor TypeScriptUnsupportedType = Create("TIO010",
        "Type cannot be expressed in TypeScript",
        "'{0}' cannot be expressed in TypeScript ({1}); it is declared as 'unknown'",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TypeScriptNameCollision = Create("TIO011",
        "Two contract types map to one TypeScript name",
        "Two contract types map to the TypeScript name '{0}' ('{1}' and '{2}'); the second is renamed '{3}'",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TypeScriptReservedName = Create("TIO015",
        "A contract type is renamed in TypeScript",
        "'{0}' cannot be called '{1}' in TypeScript ({2}); it is declared as '{3}': choose a name with [TsName(\"...\")]",
        DiagnosticSeverity.Warning);

    // ---- the analyzers ----

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
        "{0} of '{1}' has type '{2}': {3}",
        DiagnosticSeverity.Error);

    // ---- the build wiring ----

    public static readonly DiagnosticDescriptor BuildTargetsNotImported = Create("TIO102",
        "TypedIo's build targets are not imported",
        "TypedIo's build targets (TypedIo.targets) are not imported into this project, so TypedIoTypeScriptOutput has no effect and the hub '{0}' gets no .d.ts: reference the TypedIo package without excluding its build assets, or, building from source, import src/Runtime/buildTransitive/TypedIo.targets",
        DiagnosticSeverity.Warning);
}
