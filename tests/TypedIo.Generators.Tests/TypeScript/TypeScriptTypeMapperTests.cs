using System.Text.Json;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.Tests.TypeScript;

public sealed class TypeScriptTypeMapperTests
{
    [Theory]
    [InlineData("string", "string")]
    [InlineData("char", "string")]
    [InlineData("Guid", "string")]
    [InlineData("Uri", "string")]
    [InlineData("DateTime", "string")]
    [InlineData("DateTimeOffset", "string")]
    [InlineData("DateOnly", "string")]
    [InlineData("TimeOnly", "string")]
    [InlineData("TimeSpan", "string")]
    [InlineData("Version", "string")]
    [InlineData("bool", "boolean")]
    [InlineData("byte", "number")]
    [InlineData("sbyte", "number")]
    [InlineData("short", "number")]
    [InlineData("ushort", "number")]
    [InlineData("int", "number")]
    [InlineData("uint", "number")]
    [InlineData("long", "number")]
    [InlineData("ulong", "number")]
    [InlineData("float", "number")]
    [InlineData("double", "number")]
    [InlineData("decimal", "number")]
    [InlineData("Half", "number")]
    [InlineData("Int128", "number")]
    [InlineData("UInt128", "number")]
    [InlineData("object", "unknown")]
    [InlineData("object?", "unknown")]
    [InlineData("dynamic", "unknown")]
    [InlineData("JsonElement", "unknown")]
    [InlineData("JsonDocument", "unknown")]
    [InlineData("JsonNode", "unknown")]
    [InlineData("JsonValue", "unknown")]
    [InlineData("JsonObject", "Record<string, unknown>")]
    [InlineData("JsonArray", "unknown[]")]
    public void Well_known_types(string csharp, string typeScript)
    {
        var mapped = TsTestHubs.Map(csharp);

        Assert.Equal(typeScript, mapped.Out);
        Assert.Equal(typeScript, mapped.In);
        Assert.Empty(mapped.Declarations);
        Assert.Empty(mapped.Diagnostics);
    }

    [Theory]
    [InlineData("int?", "number | null", true, "int?")]
    [InlineData("string?", "string | null", true, "string?")]
    [InlineData("string", "string", false, "string")]
    [InlineData("Guid?", "string | null", true, "global::System.Guid?")]
    [InlineData("List<string?>", "(string | null)[]", false, "global::System.Collections.Generic.List<string?>")]
    [InlineData("string?[]?", "(string | null)[] | null", true, "string?[]?")]
    [InlineData("int?[]", "(number | null)[]", false, "int?[]")]
    [InlineData("List<List<int?>>", "(number | null)[][]", false, "global::System.Collections.Generic.List<global::System.Collections.Generic.List<int?>>")]
    [InlineData("Dictionary<string, int?>", "Record<string, number | null>", false, "global::System.Collections.Generic.Dictionary<string, int?>")]
    public void Nullability(string csharp, string typeScript, bool isNullable, string display)
    {
        var mapped = TsTestHubs.Map(csharp);

        Assert.Equal(typeScript, mapped.Out);
        Assert.Equal(isNullable, mapped.Type.IsNullable);
        Assert.Equal(display, mapped.Type.CSharp);
    }

    [Fact]
    public void A_nullable_oblivious_reference_is_not_nullable()
    {
        var mapped = TsTestHubs.Map("Oblivious", """
            #nullable disable
            public sealed class Oblivious { public string Name { get; set; } }
            #nullable restore
            """);

        Assert.Equal("Oblivious", mapped.Out);
        Assert.False(mapped.Type.IsNullable);
        Assert.Equal("export interface Oblivious {\n  name: string;\n}\n", mapped.DeclarationText);
    }

    [Theory]
    [InlineData("int[]")]
    [InlineData("List<int>")]
    [InlineData("IEnumerable<int>")]
    [InlineData("IReadOnlyList<int>")]
    [InlineData("IReadOnlyCollection<int>")]
    [InlineData("ICollection<int>")]
    [InlineData("IList<int>")]
    [InlineData("ISet<int>")]
    [InlineData("HashSet<int>")]
    [InlineData("SortedSet<int>")]
    [InlineData("Queue<int>")]
    [InlineData("Stack<int>")]
    [InlineData("LinkedList<int>")]
    [InlineData("Collection<int>")]
    [InlineData("ReadOnlyCollection<int>")]
    [InlineData("ImmutableArray<int>")]
    [InlineData("ImmutableList<int>")]
    [InlineData("IImmutableSet<int>")]
    [InlineData("ArraySegment<int>")]
    [InlineData("Memory<int>")]
    [InlineData("ReadOnlyMemory<int>")]
    [InlineData("List<byte>")]
    [InlineData("Numbers")]
    public void Collections_are_arrays(string csharp)
    {
        var mapped = TsTestHubs.Map(csharp, "public sealed class Numbers : IEnumerable<int> { public int Count => 0; public IEnumerator<int> GetEnumerator() => null!; IEnumerator IEnumerable.GetEnumerator() => null!; }");

        Assert.Equal("number[]", mapped.Out);
        Assert.Equal("number[]", mapped.In);
        Assert.Empty(mapped.Declarations);
        Assert.Empty(mapped.Diagnostics);
    }

    [Fact]
    public void A_non_generic_enumerable_is_an_array_of_anything()
    {
        Assert.Equal("unknown[]", TsTestHubs.Map("ArrayList").Out);
    }

    [Theory]
    [InlineData("Dictionary<string, int>")]
    [InlineData("IDictionary<string, int>")]
    [InlineData("IReadOnlyDictionary<string, int>")]
    [InlineData("SortedDictionary<string, int>")]
    [InlineData("ImmutableDictionary<string, int>")]
    [InlineData("Dictionary<int, int>")]
    [InlineData("Dictionary<long, int>")]
    [InlineData("Dictionary<Guid, int>")]
    [InlineData("Dictionary<Color, int>")]
    [InlineData("Dictionary<DateTime, int>")]
    [InlineData("Dictionary<bool, int>")]
    [InlineData("Dictionary<object, int>")]
    public void Dictionaries_are_records(string csharp)
    {
        var mapped = TsTestHubs.Map(csharp, "public enum Color { Red }");

        Assert.Equal("Record<string, number>", mapped.Out);
        Assert.Empty(mapped.Diagnostics);
    }

    [Fact]
    public void A_non_generic_dictionary_is_a_record_of_anything()
    {
        Assert.Equal("Record<string, unknown>", TsTestHubs.Map("Hashtable").Out);
    }

    [Fact]
    public void A_dictionary_key_that_cannot_be_a_property_name_is_unsupported()
    {
        var mapped = TsTestHubs.Map("Dictionary<Point, int>", "public record struct Point(int X, int Y);");

        Assert.Equal("unknown", mapped.Out);
        Assert.Equal(
            ["TIO010: 'System.Collections.Generic.Dictionary<Probe.Point, int>' cannot be expressed in TypeScript (System.Text.Json cannot write a 'Probe.Point' key as a property name); it is declared as 'unknown'"],
            mapped.Messages);
    }

    [Fact]
    public void Enums_are_numbers_by_default()
    {
        var mapped = TsTestHubs.Map("Color?", "public enum Color { Red, Green = 5, Blue, Default = 0, Minus = -1 }");

        Assert.Equal("Color | null", mapped.Out);
        Assert.Equal(
            "/**\n * 0 = Red\n * 5 = Green\n * 6 = Blue\n * 0 = Default\n * -1 = Minus\n */\nexport type Color = 0 | 5 | 6 | -1;\n",
            mapped.Declaration("Color").Text);
        Assert.Equal("global::Probe.Color", mapped.Declaration("Color").SourceType);
    }

    [Fact]
    public void Enums_with_the_string_converter_are_their_names()
    {
        var mapped = TsTestHubs.Map("Mood", """
            [JsonConverter(typeof(JsonStringEnumConverter))]
            public enum Mood { Happy, Sad, [JsonStringEnumMemberName("so-so")] SoSo, [JsonStringEnumMemberName("it's")] Quote }
            """);

        Assert.Equal("Mood", mapped.Out);
        Assert.Equal("export type Mood = 'Happy' | 'Sad' | 'so-so' | 'it\\'s';\n", mapped.DeclarationText);
    }

    [Fact]
    public void Enums_with_the_generic_string_converter_are_their_names()
    {
        var mapped = TsTestHubs.Map("Size", "[JsonConverter(typeof(JsonStringEnumConverter<Size>))] public enum Size { Small, Large }");

        Assert.Equal("export type Size = 'Small' | 'Large';\n", mapped.DeclarationText);
    }

    [Fact]
    public void Flags_enums_are_any_number_or_string()
    {
        var mapped = TsTestHubs.Map("Holder", """
            [Flags] public enum Access { None = 0, Read = 1, Write = 2 }
            [Flags, JsonConverter(typeof(JsonStringEnumConverter))] public enum Style { Bold = 1, Italic = 2 }
            public sealed record Holder(Access Access, Style Style);
            """);

        Assert.Equal("/**\n * Flags, sent as the sum of:\n * 0 = None\n * 1 = Read\n * 2 = Write\n */\nexport type Access = number;\n", mapped.Declaration("Access").Text);
        Assert.Equal("/** Flags, sent as a comma-separated list of: Bold, Italic */\nexport type Style = string;\n", mapped.Declaration("Style").Text);
    }

    [Fact]
    public void A_string_converter_on_a_property_makes_that_property_a_name_union()
    {
        var mapped = TsTestHubs.Map("Holder", """
            public enum Color { Red, Green }
            public sealed class Holder
            {
                [JsonConverter(typeof(JsonStringEnumConverter))] public Color Named { get; set; }
                [JsonConverter(typeof(JsonStringEnumConverter<Color>))] public Color? MaybeNamed { get; set; }
                public Color Numbered { get; set; }
            }
            """);

        Assert.Equal(
            "export interface Holder {\n  named: 'Red' | 'Green';\n  maybeNamed: 'Red' | 'Green' | null;\n  numbered: Color;\n}\n",
            mapped.Declaration("Holder").Text);
        Assert.Equal("/**\n * 0 = Red\n * 1 = Green\n */\nexport type Color = 0 | 1;\n", mapped.Declaration("Color").Text);
    }

    [Fact]
    public void An_enum_with_a_custom_converter_is_unsupported()
    {
        var mapped = TsTestHubs.Map("Color", """
            [JsonConverter(typeof(ColorConverter))] public enum Color { Red }
            public sealed class ColorConverter : JsonConverter<Color>
            {
                public override Color Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => default;
                public override void Write(Utf8JsonWriter writer, Color value, JsonSerializerOptions options) { }
            }
            """);

        Assert.Equal("unknown", mapped.Out);
        Assert.Empty(mapped.Declarations);
        Assert.Equal(
            ["TIO010: 'Probe.Color' cannot be expressed in TypeScript (it has a custom JsonConverter, whose JSON the generator cannot know); it is declared as 'unknown'"],
            mapped.Messages);
    }

    [Fact]
    public void Records_follow_the_json_attributes()
    {
        var mapped = TsTestHubs.Map("Person", """
            public sealed record Person(
                [property: JsonPropertyName("full_name")] string Name,
                [property: JsonIgnore] string Secret,
                [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int Age,
                [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Nickname,
                [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Score,
                [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWriting)] string? Password,
                [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] long Version,
                [property: JsonPropertyName("first-name")] string First,
                [property: JsonPropertyName("say \"hi\"")] string Quoted,
                [property: JsonPropertyName("$id")] string Id)
            {
                public static int Count { get; set; }
                public string this[int index] => "";
                public int Computed => 42;
                public string WriteOnly { set { } }
                internal string Internal { get; set; } = "";
                public string PrivateGetter { private get; set; } = "";
                public string PrivateSetter { get; private set; } = "";
                [JsonInclude] internal string Included { get; set; } = "";
                public int PlainField;
                [JsonInclude] public int IncludedField;
            }
            """);

        Assert.Equal(
            """
            export interface Person {
              full_name: string;
              age: number;
              nickname?: string | null;
              score?: number;
              password?: string | null;
              version: number;
              'first-name': string;
              'say \u0022hi\u0022': string;
              $id: string;
              computed: number;
              privateSetter: string;
              included: string;
              includedField: number;
            }

            """.ReplaceLineEndings("\n"),
            mapped.DeclarationText);
    }

    [Fact]
    public void Members_follow_the_serializer_order_derived_first_then_JsonPropertyOrder()
    {
        // System.Text.Json writes the type's own properties, then its [JsonInclude] fields, then its base type's, and
        // so on; a hiding or overriding member takes the place of the derived one; then a stable sort by order.
        var mapped = TsTestHubs.Map("Derived", """
            public class Root { public int RootProp { get; set; } public virtual int Virtual { get; set; } public int Hidden { get; set; } }
            public class Middle : Root { [JsonInclude] public int MiddleField; public int MiddleProp { get; set; } }
            public class Derived : Middle
            {
                [JsonPropertyOrder(1)] public int Last { get; set; }
                public int DerivedProp { get; set; }
                public override int Virtual { get; set; }
                public new string Hidden { get; set; } = "";
                [JsonPropertyOrder(-1)] public int First { get; set; }
            }
            """);

        Assert.Equal(
            "export interface Derived {\n  first: number;\n  derivedProp: number;\n  virtual: number;\n  hidden: string;\n  middleProp: number;\n  middleField: number;\n  rootProp: number;\n  last: number;\n}\n",
            mapped.DeclarationText);
    }

    [Fact]
    public void A_JsonIgnore_on_a_derived_member_hides_the_base_one()
    {
        var mapped = TsTestHubs.Map("Derived", """
            public class Root { public virtual int Value { get; set; } public int Kept { get; set; } }
            public class Derived : Root { [JsonIgnore] public override int Value { get; set; } }
            """);

        Assert.Equal("export interface Derived {\n  kept: number;\n}\n", mapped.DeclarationText);
    }

    [Fact]
    public void Extension_data_is_an_index_signature()
    {
        var mapped = TsTestHubs.Map("Bag", """
            public sealed class Bag
            {
                public int Known { get; set; }
                [JsonExtensionData] public Dictionary<string, JsonElement>? Rest { get; set; }
            }
            """);

        Assert.Equal("export interface Bag {\n  known: number;\n  [key: string]: unknown;\n}\n", mapped.DeclarationText);
    }

    [Fact]
    public void Structs_and_empty_types()
    {
        var mapped = TsTestHubs.Map("Holder", """
            public struct Point { public int X { get; set; } public int Y; }
            public sealed class Empty { }
            public sealed record Holder(Point Where, Point? Maybe, Empty Nothing);
            """);

        Assert.Equal(
            "export interface Empty {}\n\nexport interface Holder {\n  where: Point;\n  maybe: Point | null;\n  nothing: Empty;\n}\n\nexport interface Point {\n  x: number;\n}\n",
            mapped.DeclarationText);
    }

    [Theory]
    [InlineData("URLValue", "urlValue")]
    [InlineData("ID", "id")]
    [InlineData("Id", "id")]
    [InlineData("IOStream", "ioStream")]
    [InlineData("XMLHttpRequest", "xmlHttpRequest")]
    [InlineData("ABc", "aBc")]
    [InlineData("A1B", "a1B")]
    [InlineData("iPhone", "iPhone")]
    [InlineData("_Foo", "_Foo")]
    [InlineData("X_Y", "x_Y")]
    [InlineData("ÉCOLE", "école")]
    [InlineData("ABC DEF", "abc DEF")]
    [InlineData("A", "a")]
    [InlineData("", "")]
    public void Camel_case_is_what_System_Text_Json_writes(string name, string expected)
    {
        Assert.Equal(expected, JsonCamelCase.Convert(name));
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), JsonCamelCase.Convert(name));
    }

    [Fact]
    public void Property_names_are_camel_cased_like_the_serializer()
    {
        var mapped = TsTestHubs.Map("Names", "public sealed record Names(string URLValue, int ID, bool IsOK, string École);");

        Assert.Equal("export interface Names {\n  urlValue: string;\n  id: number;\n  isOK: boolean;\n  'école': string;\n}\n", mapped.DeclarationText);
    }

    [Fact]
    public void Generic_types_are_declared_once_with_their_type_parameters()
    {
        var mapped = TsTestHubs.Map("Dictionary<string, Page<ChatMessage>>", """
            public sealed record ChatMessage(string Text);
            public sealed record Page<T>(IReadOnlyList<T> Items, T? First, Pair<T, int> Pair, Page<T>? Next, Dictionary<string, T> ByKey);
            public sealed record Pair<TLeft, TRight>(TLeft Left, TRight Right);
            """);

        Assert.Equal("Record<string, Page<ChatMessage>>", mapped.Out);
        Assert.Equal(["ChatMessage", "Page", "Pair"], mapped.Declarations.Select(d => d.Name));
        Assert.Equal(
            "export interface Page<T> {\n  items: T[];\n  first: T | null;\n  pair: Pair<T, number>;\n  next: Page<T> | null;\n  byKey: Record<string, T>;\n}\n",
            mapped.Declaration("Page").Text);
        Assert.Equal("export interface Pair<TLeft, TRight> {\n  left: TLeft;\n  right: TRight;\n}\n", mapped.Declaration("Pair").Text);
        Assert.Equal("global::Probe.Page<T>", mapped.Declaration("Page").SourceType);
    }

    [Fact]
    public void A_generic_base_type_is_substituted()
    {
        var mapped = TsTestHubs.Map("Page<string>", """
            public class Envelope<TItem> { public List<TItem> Items { get; set; } = []; }
            public sealed class Page<T> : Envelope<T?> { public int Total { get; set; } }
            """);

        Assert.Equal("Page<string>", mapped.Out);
        Assert.Equal("export interface Page<T> {\n  total: number;\n  items: (T | null)[];\n}\n", mapped.DeclarationText);
    }

    [Fact]
    public void Framework_structs_and_classes_are_objects_like_any_other()
    {
        // System.Text.Json writes KeyValuePair as { key, value } (naming policy applied) and Tuple as { item1, item2 }.
        var mapped = TsTestHubs.Map("List<KeyValuePair<string, Tuple<int, bool>>>");

        Assert.Equal("KeyValuePair<string, Tuple<number, boolean>>[]", mapped.Out);
        Assert.Equal(
            "export interface KeyValuePair<TKey, TValue> {\n  key: TKey;\n  value: TValue;\n}\n\nexport interface Tuple<T1, T2> {\n  item1: T1;\n  item2: T2;\n}\n",
            mapped.DeclarationText);
        Assert.Equal("global::System.Collections.Generic.KeyValuePair<TKey, TValue>", mapped.Declaration("KeyValuePair").SourceType);
    }

    [Fact]
    public void Nested_types_are_named_after_their_containers()
    {
        var mapped = TsTestHubs.Map("Outer<int>.Inner", """
            public sealed class Outer<T>
            {
                public sealed class Inner { public T Value { get; set; } = default!; public Kind Kind { get; set; } }
                public enum Kind { A }
            }
            """);

        Assert.Equal("Outer_Inner<number>", mapped.Out);
        Assert.Equal("export interface Outer_Inner<T> {\n  value: T;\n  kind: Outer_Kind;\n}\n", mapped.Declaration("Outer_Inner").Text);
        Assert.Equal("/**\n * 0 = A\n */\nexport type Outer_Kind = 0;\n", mapped.Declaration("Outer_Kind").Text);
    }

    [Fact]
    public void Recursive_types_terminate()
    {
        var mapped = TsTestHubs.Map("TreeNode", """
            public sealed class TreeNode { public string Name { get; set; } = ""; public List<TreeNode> Children { get; set; } = []; public TreeNode? Parent { get; set; } public Leaf? Leaf { get; set; } }
            public sealed class Leaf { public TreeNode Owner { get; set; } = null!; }
            """);

        Assert.Equal(
            "export interface Leaf {\n  owner: TreeNode;\n}\n\nexport interface TreeNode {\n  name: string;\n  children: TreeNode[];\n  parent: TreeNode | null;\n  leaf: Leaf | null;\n}\n",
            mapped.DeclarationText);
    }

    [Theory]
    [InlineData("byte[]", "ArrayBuffer", "ArrayBuffer | ArrayBufferView")]
    [InlineData("byte[]?", "ArrayBuffer | null", "ArrayBuffer | ArrayBufferView | null")]
    [InlineData("ReadOnlyMemory<byte>", "ArrayBuffer", "ArrayBuffer | ArrayBufferView")]
    [InlineData("ReadOnlyMemory<byte>?", "ArrayBuffer | null", "ArrayBuffer | ArrayBufferView | null")]
    [InlineData("Memory<byte>", "ArrayBuffer", "ArrayBuffer | ArrayBufferView")]
    [InlineData("ArraySegment<byte>", "ArrayBuffer", "ArrayBuffer | ArrayBufferView")]
    [InlineData("List<byte[]>", "ArrayBuffer[]", "(ArrayBuffer | ArrayBufferView)[]")]
    [InlineData("Dictionary<string, byte[]?>", "Record<string, ArrayBuffer | null>", "Record<string, ArrayBuffer | ArrayBufferView | null>")]
    [InlineData("File", "File", "FileInput")]
    [InlineData("File[]", "File[]", "FileInput[]")]
    [InlineData("Folder", "Folder", "FolderInput")]
    [InlineData("Box<byte[]>", "Box<ArrayBuffer>", "Box<ArrayBuffer | ArrayBufferView>")]
    [InlineData("Box<File>", "Box<File>", "Box<FileInput>")]
    [InlineData("Label", "Label", "Label")]
    public void Binary_is_an_ArrayBuffer_and_a_client_may_send_any_view_at_any_depth(string csharp, string output, string input)
    {
        var mapped = TsTestHubs.Map(csharp, """
            public sealed record File(string Name, byte[] Content, ReadOnlyMemory<byte>? Thumbnail);
            public sealed record Folder(string Name, List<Folder> Children, Dictionary<string, File> Files);
            public sealed record Box<T>(T Value, Label Label);
            public sealed record Label(string Text, List<Label> Children);
            """);

        Assert.Equal(output, mapped.Out);
        Assert.Equal(input, mapped.In);
        if (csharp == "Folder")
        {
            Assert.Equal(
                "export interface File {\n  name: string;\n  content: ArrayBuffer;\n  thumbnail: ArrayBuffer | null;\n}\n\n"
                + "/** What a client sends, where it may send more than it receives (binary as any ArrayBuffer or view; numbers as the JSON options read them). */\n"
                + "export interface FileInput {\n  name: string;\n  content: ArrayBuffer | ArrayBufferView;\n  thumbnail: ArrayBuffer | ArrayBufferView | null;\n}\n\n"
                + "export interface Folder {\n  name: string;\n  children: Folder[];\n  files: Record<string, File>;\n}\n\n"
                + "/** What a client sends, where it may send more than it receives (binary as any ArrayBuffer or view; numbers as the JSON options read them). */\n"
                + "export interface FolderInput {\n  name: string;\n  children: FolderInput[];\n  files: Record<string, FileInput>;\n}\n",
                mapped.DeclarationText);
        }
        if (csharp == "Label")
            Assert.DoesNotContain("Input", mapped.DeclarationText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Action", "System.Action", "delegates are not serializable")]
    [InlineData("Func<int>", "System.Func<int>", "delegates are not serializable")]
    [InlineData("Task", "System.Threading.Tasks.Task", "a task is not a value")]
    [InlineData("ValueTask<int>", "System.Threading.Tasks.ValueTask<int>", "a task is not a value")]
    [InlineData("(int, string)", "(int, string)", "System.Text.Json writes a value tuple as an empty object: its elements are fields")]
    [InlineData("ValueTuple<int>", "System.ValueTuple<int>", "System.Text.Json writes a value tuple as an empty object: its elements are fields")]
    [InlineData("IntPtr", "nint", "System.Text.Json does not serialize it")]
    [InlineData("nuint", "nuint", "System.Text.Json does not serialize it")]
    [InlineData("Type", "System.Type", "System.Text.Json does not serialize it")]
    [InlineData("System.Reflection.MethodInfo", "System.Reflection.MethodInfo", "System.Text.Json does not serialize it")]
    [InlineData("System.Numerics.BigInteger", "System.Numerics.BigInteger", "System.Text.Json does not serialize it")]
    [InlineData("int[,]", "int[*,*]", "System.Text.Json does not serialize multi-dimensional arrays")]
    [InlineData("IShape", "Probe.IShape", "an interface has no JSON shape the server can read: use a class or record, or [JsonDerivedType]")]
    [InlineData("Shape", "Probe.Shape", "an abstract class has no JSON shape the server can read: use [JsonDerivedType]")]
    [InlineData("IAsyncEnumerable<int>", "System.Collections.Generic.IAsyncEnumerable<int>", "an interface has no JSON shape the server can read: use a class or record, or [JsonDerivedType]")]
    [InlineData("Custom", "Probe.Custom", "it has a custom JsonConverter, whose JSON the generator cannot know")]
    public void Unsupported_types_are_unknown_with_a_warning(string csharp, string display, string reason)
    {
        var mapped = TsTestHubs.Map(csharp, """
            public interface IShape { double Area { get; } }
            public abstract class Shape { public double Area { get; set; } }
            [JsonConverter(typeof(CustomConverter))] public sealed class Custom { }
            public sealed class CustomConverter : JsonConverter<Custom>
            {
                public override Custom Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new();
                public override void Write(Utf8JsonWriter writer, Custom value, JsonSerializerOptions options) { }
            }
            """);

        Assert.Equal("unknown", mapped.Out);
        Assert.Equal("unknown", mapped.In);
        var diagnostic = Assert.Single(mapped.Diagnostics);
        Assert.Equal("TIO010", diagnostic.Descriptor.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Descriptor.DefaultSeverity);
        Assert.Equal("https://github.com/typedio/typedio/blob/main/docs/diagnostics.md#tio010", diagnostic.Descriptor.HelpLinkUri);
        Assert.Equal([display, reason], diagnostic.MessageArgs);
        Assert.NotNull(diagnostic.Location); // the parameter
    }

    [Fact]
    public void An_unsupported_member_is_reported_at_the_member_once()
    {
        var mapped = TsTestHubs.Map("List<Holder>", """
            public sealed class Holder
            {
                public Action? Callback { get; set; }
                public Dictionary<string, Action> Callbacks { get; set; } = [];
                public Task<int> Pending { get; set; } = null!;
            }
            """);

        Assert.Equal(
            "export interface Holder {\n  callback: unknown;\n  callbacks: Record<string, unknown>;\n  pending: unknown;\n}\n",
            mapped.DeclarationText);
        Assert.Equal(
            [
                "TIO010: 'System.Action' cannot be expressed in TypeScript (delegates are not serializable; used by 'Probe.Holder.Callback'); it is declared as 'unknown'",
                "TIO010: 'System.Action' cannot be expressed in TypeScript (delegates are not serializable; used by 'Probe.Holder.Callbacks'); it is declared as 'unknown'",
                "TIO010: 'System.Threading.Tasks.Task<int>' cannot be expressed in TypeScript (a task is not a value; used by 'Probe.Holder.Pending'); it is declared as 'unknown'",
            ],
            mapped.Messages);
        Assert.All(mapped.Diagnostics, d => Assert.Equal("Source0.cs", d.Location!.FilePath));
        // At each property's name: three consecutive lines, spans as long as the names.
        var first = mapped.Diagnostics[0].Location!.LineSpan.Start.Line;
        Assert.Equal([first, first + 1, first + 2], mapped.Diagnostics.Select(d => d.Location!.LineSpan.Start.Line));
        Assert.Equal(["Callback".Length, "Callbacks".Length, "Pending".Length], mapped.Diagnostics.Select(d => d.Location!.Span.Length));
    }

    [Fact]
    public void A_custom_converter_on_a_member_makes_it_unknown()
    {
        var mapped = TsTestHubs.Map("Holder", """
            public sealed class Holder { [JsonConverter(typeof(Upper))] public string Name { get; set; } = ""; }
            public sealed class Upper : JsonConverter<string>
            {
                public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => "";
                public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) { }
            }
            """);

        Assert.Equal("export interface Holder {\n  name: unknown;\n}\n", mapped.DeclarationText);
        Assert.Equal(
            ["TIO010: 'string' cannot be expressed in TypeScript (its member has a custom JsonConverter, whose JSON the generator cannot know; used by 'Probe.Holder.Name'); it is declared as 'unknown'"],
            mapped.Messages);
    }

    [Fact]
    public void Polymorphic_hierarchies_are_discriminated_unions()
    {
        var mapped = TsTestHubs.Map("Animal[]", """
            [JsonDerivedType(typeof(Dog), "dog")]
            [JsonDerivedType(typeof(Cat), 2)]
            [JsonDerivedType(typeof(Mouse))]
            public abstract class Animal { public string Name { get; set; } = ""; }
            public sealed class Dog : Animal { public bool Barks { get; set; } }
            public sealed class Cat : Animal { public int Lives { get; set; } }
            public sealed class Mouse : Animal { }
            """);

        Assert.Equal("Animal[]", mapped.Out);
        Assert.Empty(mapped.Diagnostics);
        Assert.Equal(
            """
            /** Polymorphic: $type names the derived type; the server reads it only when it is the first property. */
            export type Animal =
              | ({ $type: 'dog' } & Dog)
              | ({ $type: 2 } & Cat)
              | Mouse;

            export interface Cat {
              lives: number;
              name: string;
            }

            export interface Dog {
              barks: boolean;
              name: string;
            }

            export interface Mouse {
              name: string;
            }

            """.ReplaceLineEndings("\n"),
            mapped.DeclarationText);
    }

    [Fact]
    public void A_concrete_polymorphic_base_is_one_of_the_shapes()
    {
        var mapped = TsTestHubs.Map("Shape", """
            [JsonPolymorphic(TypeDiscriminatorPropertyName = "shape-kind")]
            [JsonDerivedType(typeof(Circle), "circle")]
            public class Shape { public string Color { get; set; } = ""; }
            public sealed class Circle : Shape { public double Radius { get; set; } }
            [JsonDerivedType(typeof(Listed), "listed")]
            [JsonDerivedType(typeof(Extra), "extra")]
            public class Listed { public int A { get; set; } }
            public sealed class Extra : Listed { }
            public sealed record Holder(Listed Listed);
            """);

        Assert.Equal(
            "/** Polymorphic: shape-kind names the derived type; the server reads it only when it is the first property. */\nexport type Shape =\n  | { color: string; }\n  | ({ 'shape-kind': 'circle' } & Circle);\n",
            mapped.Declaration("Shape").Text);

        var listed = TsTestHubs.Map("Listed", """
            [JsonDerivedType(typeof(Listed), "listed")]
            [JsonDerivedType(typeof(Extra), "extra")]
            public class Listed { public int A { get; set; } }
            public sealed class Extra : Listed { }
            """);
        Assert.Equal(
            "/** Polymorphic: $type names the derived type; the server reads it only when it is the first property. */\nexport type Listed =\n  | ({ $type: 'listed' } & { a: number; })\n  | ({ $type: 'extra' } & Extra);\n",
            listed.Declaration("Listed").Text);
    }

    [Fact]
    public void Two_types_with_one_name_get_distinct_names_and_a_warning()
    {
        var mapped = TsTestHubs.Map("Holder", """
            public sealed record Holder(A.Item First, B.Item Second, Record Reserved, Item2 Taken);
            public sealed record Record(int R);
            public sealed record Item2(int I);
            }
            namespace Probe.A { public sealed record Item(string Name); }
            namespace Probe.B { public sealed record Item(int Id); }
            namespace Probe {
            """);

        Assert.Equal(["Holder", "Item", "Item2", "Item22", "Record2"], mapped.Declarations.Select(d => d.Name));
        Assert.Equal(
            "export interface Holder {\n  first: Item;\n  second: Item2;\n  reserved: Record2;\n  taken: Item22;\n}\n",
            mapped.Declaration("Holder").Text);
        Assert.Equal("global::Probe.B.Item", mapped.Declaration("Item2").SourceType);
        Assert.Equal(
            [
                "TIO011: Two contract types map to the TypeScript name 'Item' ('Probe.A.Item' and 'Probe.B.Item'); the second is renamed 'Item2'",
                "TIO015: 'Probe.Record' cannot be called 'Record' in TypeScript (the name of a TypeScript type the declarations use, which it would hide); it is declared as 'Record2': choose a name with [TsName(\"...\")]",
                "TIO011: Two contract types map to the TypeScript name 'Item2' ('Probe.B.Item' and 'Probe.Item2'); the second is renamed 'Item22'",
            ],
            mapped.Messages);
    }

    [Fact]
    public void Declarations_are_sorted_by_name_and_free_of_double_quotes()
    {
        var mapped = TsTestHubs.Map("Zebra", """
            public sealed record Zebra(Apple A, Mango M, [property: JsonPropertyName("a\"b")] string Odd);
            public sealed record Mango(int X);
            public sealed record Apple(int Y);
            """);

        Assert.Equal(["Apple", "Mango", "Zebra"], mapped.Declarations.Select(d => d.Name));
        Assert.DoesNotContain('"', mapped.DeclarationText);
        Assert.Contains("'a\\u0022b': string;", mapped.DeclarationText);
    }
}
