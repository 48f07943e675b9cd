using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// A level-triggered epoll set (Linux) for the closed-loop scenarios: one thread waits for replies on every connection
/// and receives once per readiness. Through .NET's socket engine a receive first tries the socket, which in a closed
/// loop has nothing yet (a failed <c>recvfrom</c> per message), then waits for the engine's edge-triggered epoll; here a
/// socket is read only when epoll says it has data. The sockets must never have been used asynchronously (see
/// <see cref="WsClient.ConnectAsync"/> with <c>blocking: true</c>), or .NET's engine would wake for them as well.
/// </summary>
internal sealed unsafe partial class Epoll : IDisposable
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const int EpollCloexec = 0x80000;

    // struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86-64 (12 bytes), aligned elsewhere (16).
    private static readonly int Stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _fd;
    private readonly byte[] _events;

    public Epoll(int maxEvents = 256)
    {
        _fd = epoll_create1(EpollCloexec);
        if (_fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1");
        _events = new byte[maxEvents * Stride];
    }

    /// <summary>Watches <paramref name="descriptor"/> for data; <see cref="Wait"/> reports it as <paramref name="token"/>.</summary>
    public void Add(int descriptor, int token) => Control(EpollCtlAdd, descriptor, token);

    public void Remove(int descriptor) => Control(EpollCtlDel, descriptor, 0);

    /// <summary>Waits up to <paramref name="timeoutMs"/> for readable sockets; their tokens go into <paramref name="tokens"/>.</summary>
    public int Wait(Span<int> tokens, int timeoutMs)
    {
        int count;
        fixed (byte* events = _events)
        {
            do
            {
                count = epoll_wait(_fd, events, Math.Min(tokens.Length, _events.Length / Stride), timeoutMs);
            }
            while (count < 0 && Marshal.GetLastPInvokeError() == 4); // EINTR
            if (count < 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_wait");
            for (var i = 0; i < count; i++)
                tokens[i] = (int)*(ulong*)(events + (i * Stride) + DataOffset);
        }
        return count;
    }

    private void Control(int operation, int descriptor, int token)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(ulong*)(ev + DataOffset) = (ulong)token;
        if (epoll_ctl(_fd, operation, descriptor, ev) < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_ctl");
    }

    public void Dispose() => close(_fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
