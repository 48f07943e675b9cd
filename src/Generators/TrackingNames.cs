namespace TypedIo.Generators;

/// <summary>Names of the pipeline steps, so tests can check that each step is cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Specs = nameof(Specs);
    public const string Diagnostics = nameof(Diagnostics);
    public const string AllSpecs = nameof(AllSpecs);
}
