using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// The Socket.IO wire format: a decoder per connection (binary packets span several Engine.IO messages) and an
/// encoder whose output is immutable, so one encoded packet can go to any number of sockets. The default is
/// <c>JsonPacketParser</c>; a msgpack parser can take its place.
/// </summary>
public interface IPacketParser
{
    /// <summary>A decoder for one Engine.IO connection.</summary>
    IPacketDecoder CreateDecoder();

    /// <summary>Encodes an event <c>[eventName, ...args]</c>, with an ack id when one is given.</summary>
    EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId = null);

    /// <summary>Encodes the ack <c>[...args]</c> for the event that carried <paramref name="ackId"/>.</summary>
    EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args);

    /// <summary>Encodes a CONNECT reply with <paramref name="data"/> (for example <c>{"sid":...}</c>).</summary>
    EncodedPacket EncodeConnect(string nsp, object? data);

    /// <summary>Encodes a CONNECT_ERROR with <c>{"message":...}</c> and, when given, <c>"data"</c>.</summary>
    EncodedPacket EncodeConnectError(string nsp, string message, object? data = null);

    /// <summary>Encodes a DISCONNECT.</summary>
    EncodedPacket EncodeDisconnect(string nsp);
}

/// <summary>Decodes the Engine.IO messages of one connection into Socket.IO packets.</summary>
public interface IPacketDecoder
{
    /// <summary>
    /// Feeds one message. Returns <see cref="PacketDecodeStatus.Packet"/> with the packet when one is complete,
    /// <see cref="PacketDecodeStatus.NeedMore"/> while a binary packet waits for attachments, and
    /// <see cref="PacketDecodeStatus.Error"/> with a reason for anything malformed (the connection must then
    /// be closed with reason <c>parse error</c>; the decoder is not reusable).
    /// </summary>
    PacketDecodeStatus Decode(EngineMessage message, out SocketPacket? packet, out string? error);
}

/// <summary>What <see cref="IPacketDecoder.Decode"/> produced.</summary>
public enum PacketDecodeStatus
{
    /// <summary>A complete packet.</summary>
    Packet,
    /// <summary>Part of a binary packet; more messages are expected.</summary>
    NeedMore,
    /// <summary>Malformed input.</summary>
    Error,
}

/// <summary>
/// An encoded packet: the Engine.IO frames to send, in order (the text packet, then any binary attachments).
/// Immutable; the same instance is queued to every recipient of a broadcast.
/// </summary>
public sealed class EncodedPacket(IReadOnlyList<EngineFrame> frames)
{
    /// <summary>The frames, in sending order.</summary>
    public IReadOnlyList<EngineFrame> Frames { get; } = frames;

    /// <summary>The same packet marked not to be compressed by the transport (the bytes are shared).</summary>
    public EncodedPacket WithoutCompression()
    {
        var frames = new EngineFrame[Frames.Count];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = Frames[i].WithCompress(false);
        return new EncodedPacket(frames);
    }
}
