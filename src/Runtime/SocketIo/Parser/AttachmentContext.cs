namespace TypedIo.SocketIo;

/// <summary>
/// Binds binary attachments to one synchronous serialization call on the current thread, so the placeholder
/// converters know where to record (writing) or find (reading) the bytes. Scopes nest: each restores the one
/// it replaced, so a serialization that starts another on the same thread stays correct.
/// </summary>
internal static class AttachmentContext
{
    [ThreadStatic] private static List<byte[]>? t_collecting;
    [ThreadStatic] private static IReadOnlyList<byte[]>? t_resolving;

    /// <summary>The list that written attachments go to, or null outside an encoding scope.</summary>
    public static List<byte[]>? Collecting => t_collecting;

    /// <summary>The attachments that placeholders refer to, or null outside a decoding scope.</summary>
    public static IReadOnlyList<byte[]>? Resolving => t_resolving;

    /// <summary>
    /// Starts collecting into <paramref name="attachments"/> (null: write binary values as base64, as in packets
    /// that cannot carry attachments); dispose the scope to stop.
    /// </summary>
    public static CollectScope Collect(List<byte[]>? attachments)
    {
        var previous = t_collecting;
        t_collecting = attachments;
        return new CollectScope(previous);
    }

    /// <summary>Resolves placeholders against <paramref name="attachments"/>; dispose the scope to stop.</summary>
    public static ResolveScope Resolve(IReadOnlyList<byte[]> attachments)
    {
        var previous = t_resolving;
        t_resolving = attachments;
        return new ResolveScope(previous);
    }

    /// <summary>Restores the previous collecting list on dispose.</summary>
    public readonly struct CollectScope(List<byte[]>? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_collecting = previous;
    }

    /// <summary>Restores the previous attachments on dispose.</summary>
    public readonly struct ResolveScope(IReadOnlyList<byte[]>? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_resolving = previous;
    }
}
