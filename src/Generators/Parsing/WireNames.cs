namespace TypedIo.Generators.Parsing;

/// <summary>Event names on the wire.</summary>
internal static class WireNames
{
    /// <summary>Names a client can never send as an event (Node's socket.io reserves them).</summary>
    public static readonly string[] Reserved = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    /// <summary>The default wire name of a method: camelCase as System.Text.Json writes property names.</summary>
    public static string FromMethodName(string methodName) => TypeScript.JsonCamelCase.Convert(methodName);
}
