namespace TypedIo;

internal static class TaskExtensions
{
    /// <summary>Lets a ValueTask run to completion unobserved (it handles its own errors).</summary>
    public static void Forget(this ValueTask task)
    {
        if (!task.IsCompleted)
            _ = task.AsTask();
    }
}
