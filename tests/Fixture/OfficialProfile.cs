using TypedIo.EngineIo;

namespace TypedIo.Fixture;

/// <summary>The options the official protocol test suites expect.</summary>
internal static class OfficialProfile
{
    public static void Configure(EngineIoOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxHttpBufferSize = 1_000_000;
    }
}
