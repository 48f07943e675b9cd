using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>Checks that every placeholder in a binary packet points at one of its attachments.</summary>
internal static class PlaceholderValidator
{
    /// <summary>
    /// True when every <c>"_placeholder": true</c> object has an integer <c>num</c> below
    /// <paramref name="attachmentCount"/>. Recursion is bounded by the decoder's maximum JSON depth.
    /// </summary>
    public static bool AreValid(JsonElement element, int attachmentCount)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (Placeholder.IsPlaceholder(element))
                    return Placeholder.TryGetIndex(element, attachmentCount, out _);
                foreach (var property in element.EnumerateObject())
                {
                    if (!AreValid(property.Value, attachmentCount))
                        return false;
                }
                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!AreValid(item, attachmentCount))
                        return false;
                }
                return true;
            default:
                return true;
        }
    }
}
