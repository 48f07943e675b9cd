namespace TypedIo.SocketIo;

/// <summary>The client did not answer an ack in time.</summary>
public sealed class SocketAckTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public SocketAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"The client did not acknowledge '{eventName}' within {timeout.TotalMilliseconds} ms.")
    {
        EventName = eventName;
    }

    /// <summary>The event that was not acknowledged.</summary>
    public string EventName { get; }
}

/// <summary>The socket disconnected before the client answered an ack.</summary>
public sealed class SocketDisconnectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketDisconnectedException(string reason)
        : base($"The socket disconnected ({reason}) before the ack arrived.")
    {
        Reason = reason;
    }

    /// <summary>Why the socket disconnected.</summary>
    public string Reason { get; }
}
