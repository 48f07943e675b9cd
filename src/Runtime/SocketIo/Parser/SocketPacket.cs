using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// One decoded incoming Socket.IO packet. <see cref="Data"/> is the whole JSON payload (an array for events and
/// acks, an object for connect); in a binary packet its placeholders refer to <see cref="Attachments"/>.
/// A decoded packet owns its memory (nothing pooled), so handlers may keep it.
/// </summary>
public sealed class SocketPacket
{
    /// <summary>The packet type.</summary>
    public required SocketPacketType Type { get; init; }

    /// <summary>The namespace, <c>/</c> when the packet names none.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The ack id, when the packet carries one.</summary>
    public long? Id { get; init; }

    private readonly JsonElement? _data;

    /// <summary>The JSON payload, when there is one.</summary>
    /// <remarks>A received EVENT keeps its payload as bytes; the tree is built the first time this is read.</remarks>
    public JsonElement? Data
    {
        get => EventArgs is { } args ? args.EventElement : _data;
        init => _data = value;
    }

    /// <summary>A received plain EVENT's or ACK's arguments, which keep its payload as bytes (null for other packets).</summary>
    internal SocketArgs? EventArgs { get; init; }

    /// <summary>Binary attachments of a binary packet, in placeholder order; empty otherwise.</summary>
    public IReadOnlyList<byte[]> Attachments { get; init; } = [];

    /// <summary>Whether placeholders in <see cref="Data"/> refer to attachments.</summary>
    public bool IsBinary => Type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck;

    /// <summary>For an event: the event name (the first element of the data array).</summary>
    public string? EventName =>
        Type == SocketPacketType.Event && EventArgs is { } args ? args.ReadEventName(null)
        : Type is SocketPacketType.Event or SocketPacketType.BinaryEvent && Data is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0
            ? array[0].GetString()
            : null;
}
