namespace TypedIo.SocketIo;

/// <summary>
/// Creates the adapter of each namespace (Node's <c>io.adapter(createAdapter(...))</c>). Registered in DI, it is used
/// by the <see cref="SocketIoServer"/> that <c>AddTypedIo()</c> registers for every namespace, the main one included;
/// without one, namespaces get an <see cref="InMemoryAdapter"/>.
/// </summary>
/// <example>
/// <code>
/// services.AddTypedIo();
/// services.AddSingleton&lt;ISocketAdapterFactory, MyClusterAdapterFactory&gt;();
/// </code>
/// </example>
public interface ISocketAdapterFactory
{
    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    SocketAdapter Create(Namespace nsp);
}
