namespace TypedIo.Generators.Tests.TypeScript;

/// <summary>The C# contracts of the TypeScript emitter and tsc tests (compiled after <see cref="TsTestHubs.Usings"/>).</summary>
internal static class TsSources
{
    /// <summary>A chat: records, a string enum, a numeric enum, a generic page, binary both ways, acks both ways, a rest parameter.</summary>
    public const string Chat = """
        namespace Demo;

        public sealed record ChatMessage(string Room, string Text, string? ReplyTo, DateTimeOffset SentAt, Mood Mood);

        [JsonConverter(typeof(JsonStringEnumConverter))]
        public enum Mood { Happy, Sad, [JsonStringEnumMemberName("so-so")] SoSo }

        public enum Priority { Low, Normal, High }

        public sealed record JoinResult(string Room, IReadOnlyList<ChatMessage> History, int Members);

        public sealed record Page<T>(IReadOnlyList<T> Items, int Total, [property: JsonPropertyName("next-page")] int? NextPage);

        public sealed record Attachment(string Name, byte[] Content);

        public interface IChatHub
        {
            Task SendMessage(ChatMessage message);
            Task<JoinResult> JoinRoom(string room, CancellationToken cancellationToken);
            [Event("typing")] ValueTask SetTyping(bool on);
            Task<int?> Count();
            Task Upload(string name, byte[] data, Attachment? extra);
            Task<Page<ChatMessage>> History(string room, int page);
            Task SetPriority(Priority priority);
            Task Relay(string eventName, params JsonNode?[] args);
            Task<bool> RelayWithAck(string eventName, params JsonNode?[] args);
        }

        public interface IChatClient
        {
            Task MessageReceived(ChatMessage message);
            Task<bool> AreYouThere();
            ValueTask<string?> Nickname(int attempt, CancellationToken cancellationToken);
            Task FileReceived(string name, byte[] data);
            Task AttachmentReceived(Attachment attachment);
            Task<byte[]> Screenshot();
            [Event("user:joined")] Task UserJoined(string user);
        }
        """;

    /// <summary>Three hubs: two share a type, two claim the name Item for different types, two have the prefix Chat.</summary>
    public const string Shop = """
        namespace Shop
        {
            public sealed record Money(decimal Amount, string Currency);
            public sealed record OrderPlaced(Orders.Item Item, Money Total);

            public interface IOrders { Task<OrderPlaced> Place(Orders.Item item); }
            public interface IOrdersClient { Task Shipped(Orders.Item item, Money refund); }
            public interface IInventory { Task<List<Inventory.Item>> List(); Task<Money> Value(Inventory.Item item); }
            public interface IInventoryClient { Task Changed(Inventory.Item item, OrdersServerToClientEvents clash); }
            public sealed record OrdersServerToClientEvents(int Clash);
            public interface IChat { Task Say(string text); }
            public interface IChatClient { Task Said(string text); }
        }
        namespace Shop.Orders { public sealed record Item(string Sku, int Quantity); }
        namespace Shop.Inventory { public sealed record Item(string Sku, int Stock, Shelf Shelf); public sealed record Shelf(string Aisle); }
        """;

    /// <summary>A pattern namespace, awkward names, rest parameters, an empty contract.</summary>
    public const string Awkward = """
        namespace Awkward;

        public sealed record Result(bool Ok);

        public interface IRooms
        {
            [Event("room:join")] Task<Result> Join(string function, string callback);
            [Event("it's")] Task Quote(int @class);
            Task Spread(params JsonNode?[] rest);
            Task<Result> SpreadWithAck(string first, params JsonNode?[] rest);
        }

        public interface IRoomsClient { }
        """;

    /// <summary>Every shape the mapper knows, in one hub, so that tsc checks the declarations of each.</summary>
    public const string Kitchen = """
        namespace Kitchen;

        [JsonDerivedType(typeof(Circle), "circle")]
        [JsonDerivedType(typeof(Square), "square")]
        public abstract record Shape(string Color);
        public sealed record Circle(string Color, double Radius) : Shape(Color);
        public sealed record Square(string Color, double Side) : Shape(Color);

        [Flags] public enum Access { None = 0, Read = 1, Write = 2 }
        public enum Level : long { Low = -1, High = 9007199254740991 }

        public sealed class TreeNode
        {
            public string Name { get; set; } = "";
            public List<TreeNode> Children { get; set; } = [];
            public TreeNode? Parent { get; set; }
        }

        public sealed class Settings
        {
            [JsonPropertyName("theme-name")] public string Theme { get; set; } = "";
            [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Locale { get; set; }
            [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
        }

        public sealed record Page<T>(IReadOnlyList<T> Items, Page<T>? Next);
        public sealed record Pair<TLeft, TRight>(TLeft Left, TRight Right);
        public sealed class Outer { public sealed record Inner(int Depth); }
        public sealed record Everything(
            Shape Shape,
            IReadOnlyList<Shape> Shapes,
            Access Access,
            Level Level,
            TreeNode Tree,
            Settings Settings,
            Page<Pair<string, int?>> Pairs,
            Outer.Inner Inner,
            ImmutableDictionary<Guid, List<string?>> Tags,
            JsonObject Json,
            JsonArray Items,
            object? Anything,
            ReadOnlyMemory<byte> Blob,
            IReadOnlyList<byte[]> Blobs,
            Action? Unsupported);

        public interface IKitchen
        {
            Task<Everything> Get(Everything input, Shape shape, Access access);
            Task Draw(IReadOnlyList<Shape> shapes, ReadOnlyMemory<byte>? preview);
        }

        public interface IKitchenClient
        {
            Task<Shape> Pick(Shape[] options);
            Task Changed(Everything everything);
        }
        """;

    /// <summary>Contract types named like TypeScript's globals: kept (Array, Event), renamed and reported (Record), or named with [TsName].</summary>
    public const string Builtins = """
        namespace Builtins;

        public sealed record Array(int Length);
        public sealed record Event(string Type, Array Items);
        public sealed record Record(string Id, Dictionary<string, int> Counts);
        [TsName("AuditEntry")] public sealed record ArrayBuffer(string Who);
        [TsName("Promise_")] public sealed record Promise(bool Kept);

        public interface IAudit
        {
            Task<Record> Write(Record record, Event @event);
            Task Note(ArrayBuffer entry, Promise promise, Array[] arrays);
        }

        public interface IAuditClient { Task Written(Record record); }
        """;
}
