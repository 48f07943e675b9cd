namespace TypedIo.SocketIo;

/// <summary>
/// Keeps Kestrel's socket transport from running the process out of file descriptors. <c>AddTypedIo()</c> lets the
/// transport hold at most as many connections as the process's open-file limit (<c>RLIMIT_NOFILE</c>) leaves once the
/// descriptors open at start and <see cref="ReservedDescriptors"/> are set aside. A connection over that budget is
/// accepted and closed at once, before the next one is accepted; the refusals are logged at most once per
/// <see cref="LogInterval"/>.
/// </summary>
/// <remarks>
/// Without a budget, a flood of connections fills the descriptor table: Kestrel's accept loop then retries the failing
/// <c>accept</c> (<c>EMFILE</c>) at once, forever, and the .NET runtime itself, which needs descriptors to read
/// <c>/proc</c> and to start threads, aborts the process ("Out of memory.") within seconds (docs/design.md,
/// "Reliability"). Applies to Kestrel's socket transport on Linux; elsewhere, or with another transport, nothing changes.
/// </remarks>
/// <example>
/// <code>
/// builder.Services.Configure&lt;ConnectionBudgetOptions&gt;(o => o.ReservedDescriptors = 512);
/// </code>
/// </example>
public sealed class ConnectionBudgetOptions
{
    /// <summary>Whether TypedIo limits Kestrel's connections by the descriptor limit. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Descriptors kept free for everything that is not an incoming connection (files, outgoing connections such as Redis,
    /// the runtime's own, connections between being closed and their descriptor being released). Default: 128.
    /// </summary>
    public int ReservedDescriptors { get; set; } = 128;

    /// <summary>How often, at most, refused connections are logged (one warning with their count). Default: 10 s.</summary>
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
