namespace TypedIo.SocketIo;

/// <summary>
/// A set of strings kept as compactly as its size allows: null when empty, the string itself when it has one
/// member, a <see cref="HashSet{T}"/> once it has had two. Most rooms are a socket's own room (one member) and most sockets
/// are in one room (their own), so the adapter's two maps rarely need a real set. Not thread-safe.
/// </summary>
internal static class MemberSet
{
    public static bool Add(ref object? set, string item)
    {
        switch (set)
        {
            case null:
                set = item;
                return true;
            case string single:
                if (string.Equals(single, item, StringComparison.Ordinal))
                    return false;
                set = new HashSet<string>(StringComparer.Ordinal) { single, item };
                return true;
            default:
                return ((HashSet<string>)set).Add(item);
        }
    }

    public static bool Remove(ref object? set, string item)
    {
        switch (set)
        {
            case null:
                return false;
            case string single:
                if (!string.Equals(single, item, StringComparison.Ordinal))
                    return false;
                set = null;
                return true;
            default:
                var many = (HashSet<string>)set;
                if (!many.Remove(item))
                    return false;
                // Kept at one member: a room that grew once tends to grow again, and each set is an allocation.
                if (many.Count == 0)
                    set = null;
                return true;
        }
    }

    public static int Count(object? set) => set switch
    {
        null => 0,
        string => 1,
        _ => ((HashSet<string>)set).Count,
    };

    public static void CopyTo(object? set, string[] array)
    {
        if (set is string single)
            array[0] = single;
        else if (set is HashSet<string> many)
            many.CopyTo(array);
    }

    public static void AddTo(object? set, HashSet<string> target)
    {
        if (set is string single)
            target.Add(single);
        else if (set is HashSet<string> many)
            target.UnionWith(many);
    }

    public static string[] ToArray(object? set)
    {
        var array = new string[Count(set)];
        CopyTo(set, array);
        return array;
    }
}
