using TypedIo.Generators.Model;

namespace TypedIo.Generators.Parsing;

/// <summary>What parsing one hub produced: its spec (null when it cannot be served) and its diagnostics.</summary>
internal sealed record HubParseResult(HubSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
