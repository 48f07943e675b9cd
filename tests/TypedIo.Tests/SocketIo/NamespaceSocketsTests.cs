using System.Runtime.CompilerServices;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class NamespaceSocketsTests
{
    // Only identity matters here: stand-ins that were never constructed.
    private static Socket NewSocket() => (Socket)RuntimeHelpers.GetUninitializedObject(typeof(Socket));

    [Fact]
    public void Sockets_of_several_namespaces_are_found_by_name_and_listed()
    {
        var sockets = new NamespaceSockets();
        Socket root = NewSocket(), chat = NewSocket(), admin = NewSocket();
        sockets.Set("/", root);
        sockets.Set("/chat", chat);
        sockets.Set("/admin", admin);

        Assert.Equal(3, sockets.Count);
        Assert.True(sockets.TryGetValue("/chat", out var found));
        Assert.Same(chat, found);
        Assert.False(sockets.TryGetValue("/other", out _));
        Assert.Equal(new[] { root, chat, admin }, sockets.ToArray());
    }

    [Fact]
    public void Remove_takes_out_only_the_socket_still_registered_under_the_name()
    {
        var sockets = new NamespaceSockets();
        Socket first = NewSocket(), replaced = NewSocket(), second = NewSocket();
        sockets.Set("/", first);
        sockets.Set("/chat", replaced);
        sockets.Set("/chat", second);

        sockets.Remove("/chat", replaced);
        sockets.Remove("/", NewSocket());
        Assert.Equal(2, sockets.Count);

        sockets.Remove("/", first);
        Assert.False(sockets.TryGetValue("/", out _));
        Assert.True(sockets.TryGetValue("/chat", out var found));
        Assert.Same(second, found);
    }

    [Fact]
    public void A_name_taken_again_after_its_removal_is_registered_once()
    {
        var sockets = new NamespaceSockets();
        Socket root = NewSocket(), chat = NewSocket(), again = NewSocket();
        sockets.Set("/", root);
        sockets.Set("/chat", chat);
        sockets.Remove("/", root);
        sockets.Set("/chat", again);

        Assert.Equal(1, sockets.Count);
        Assert.Equal(new[] { again }, sockets.ToArray());
    }
}
