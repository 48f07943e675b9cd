namespace TypedIo.SocketIo;

/// <summary>
/// The sockets of one connection by namespace name. Most connections join a single namespace: that one is kept in
/// fields, and a dictionary is only made for a second. Not thread-safe (the client locks around it); a mutable
/// struct, so keep it in a field and never copy it.
/// </summary>
internal struct NamespaceSockets
{
    private string? _firstName;
    private Socket? _first;
    private Dictionary<string, Socket>? _others;

    public readonly int Count => (_first is null ? 0 : 1) + (_others?.Count ?? 0);

    public readonly bool TryGetValue(string name, out Socket? socket)
    {
        if (_first is not null && string.Equals(_firstName, name, StringComparison.Ordinal))
        {
            socket = _first;
            return true;
        }
        if (_others is not null && _others.TryGetValue(name, out var other))
        {
            socket = other;
            return true;
        }
        socket = null;
        return false;
    }

    public void Set(string name, Socket socket)
    {
        if (_first is null || string.Equals(_firstName, name, StringComparison.Ordinal))
        {
            // The dictionary may hold this name from when the first slot was taken: one entry per name.
            _others?.Remove(name);
            _firstName = name;
            _first = socket;
            return;
        }
        (_others ??= new Dictionary<string, Socket>(StringComparer.Ordinal))[name] = socket;
    }

    /// <summary>Removes <paramref name="socket"/> if it is still the one registered under <paramref name="name"/>.</summary>
    public void Remove(string name, Socket socket)
    {
        if (_first == socket && string.Equals(_firstName, name, StringComparison.Ordinal))
        {
            _first = null;
            _firstName = null;
        }
        else if (_others is not null && _others.TryGetValue(name, out var current) && current == socket)
        {
            _others.Remove(name);
        }
    }

    public readonly Socket[] ToArray()
    {
        var all = new Socket[Count];
        var i = 0;
        if (_first is not null)
            all[i++] = _first;
        if (_others is not null)
            _others.Values.CopyTo(all, i);
        return all;
    }
}
