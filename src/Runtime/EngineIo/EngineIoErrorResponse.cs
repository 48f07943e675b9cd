using Microsoft.AspNetCore.Http;

namespace TypedIo.EngineIo;

/// <summary>Writes Node's error response: HTTP 400 (403 for Forbidden) with <c>{"code":N,"message":"..."}</c>.</summary>
internal static class EngineIoErrorResponse
{
    private static readonly byte[][] Bodies =
    [
        """{"code":0,"message":"Transport unknown"}"""u8.ToArray(),
        """{"code":1,"message":"Session ID unknown"}"""u8.ToArray(),
        """{"code":2,"message":"Bad handshake method"}"""u8.ToArray(),
        """{"code":3,"message":"Bad request"}"""u8.ToArray(),
        """{"code":4,"message":"Forbidden"}"""u8.ToArray(),
        """{"code":5,"message":"Unsupported protocol version"}"""u8.ToArray(),
    ];

    public static string Message(EngineIoErrorCode code) => code switch
    {
        EngineIoErrorCode.UnknownTransport => "Transport unknown",
        EngineIoErrorCode.UnknownSid => "Session ID unknown",
        EngineIoErrorCode.BadHandshakeMethod => "Bad handshake method",
        EngineIoErrorCode.BadRequest => "Bad request",
        EngineIoErrorCode.Forbidden => "Forbidden",
        _ => "Unsupported protocol version",
    };

    public static Task WriteAsync(HttpContext context, EngineIoErrorCode code)
    {
        if (context.Response.HasStarted)
            return Task.CompletedTask;
        var body = Bodies[(int)code];
        context.Response.StatusCode = code == EngineIoErrorCode.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
