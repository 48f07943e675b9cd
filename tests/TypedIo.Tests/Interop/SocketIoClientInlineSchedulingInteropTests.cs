using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Every test of <see cref="SocketIoClientInteropTests"/> (the default contract of <c>/</c> with the real
/// <c>socket.io-client</c>, in polling, WebSocket and upgrade modes) against a fixture in inline scheduling: reads,
/// handlers and writes on the socket engine's threads, and handlers that await (<c>request-ack</c> awaits the client's
/// ack) moved to the thread pool.
/// </summary>
public sealed class SocketIoClientInlineSchedulingInteropTests(InlineSharedFixtureProcess shared)
    : SocketIoClientInteropTests(shared), IClassFixture<InlineSharedFixtureProcess>;
