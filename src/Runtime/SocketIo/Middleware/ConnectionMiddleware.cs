namespace TypedIo.SocketIo;

/// <summary>
/// Runs before a socket joins a namespace. Call <paramref name="next"/> to go on; throw
/// <see cref="SocketConnectException"/> to refuse the socket with a CONNECT_ERROR carrying its message and data.
/// </summary>
public delegate ValueTask ConnectionMiddleware(Socket socket, Func<ValueTask> next);

/// <summary>
/// Runs for every incoming event of a socket, before its handlers. Call <paramref name="next"/> to go on; to refuse
/// the event, answer its ack (<see cref="SocketEvent.Ack(object[])"/>) with an error and return without calling next.
/// </summary>
public delegate ValueTask EventMiddleware(SocketEvent socketEvent, Func<ValueTask> next);

/// <summary>Refuses a namespace connection: the client gets CONNECT_ERROR <c>{"message":..., "data":...}</c>.</summary>
public sealed class SocketConnectException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public SocketConnectException(string message, object? data = null)
        : base(message)
    {
        ErrorData = data;
    }

    /// <summary>The optional <c>data</c> of the CONNECT_ERROR.</summary>
    public object? ErrorData { get; }
}
