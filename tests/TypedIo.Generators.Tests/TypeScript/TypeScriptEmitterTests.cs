using TypedIo.Generators.Model;
using TypedIo.Generators.Tests.Infrastructure;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.Tests.TypeScript;

public sealed class TypeScriptEmitterTests
{
    internal static string EmitChat(out IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        var compilation = TsTestHubs.Compile(TsSources.Chat);
        var hub = TsTestHubs.Hub(compilation, "Demo.ChatHub", "Demo.IChatHub", "Demo.IChatClient", path: "/chat");
        return TypeScriptEmitter.Emit([hub], out diagnostics);
    }

    internal static string EmitShop(out IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        var compilation = TsTestHubs.Compile(TsSources.Shop);
        // Given in an order other than the emitter's (by hub name), which must not matter.
        HubSpec[] hubs =
        [
            TsTestHubs.Hub(compilation, "Shop.OrdersHub", "Shop.IOrders", "Shop.IOrdersClient", path: "/orders"),
            TsTestHubs.Hub(compilation, "Shop.InventoryHub", "Shop.IInventory", "Shop.IInventoryClient", path: "/inventory"),
            TsTestHubs.Hub(compilation, "Shop.Support.ChatHub", "Shop.IChat", "Shop.IChatClient", path: "/support"),
            TsTestHubs.Hub(compilation, "Shop.ChatHub", "Shop.IChat", "Shop.IChatClient", path: "/chat"),
        ];
        return TypeScriptEmitter.Emit(hubs, out diagnostics);
    }

    internal static string EmitAwkward(out IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        var compilation = TsTestHubs.Compile(TsSources.Awkward);
        var hub = TsTestHubs.Hub(compilation, "Awkward.RoomsHub", "Awkward.IRooms", "Awkward.IRoomsClient", pattern: "^/rooms/(?<id>[^\"/]+)*/$");
        return TypeScriptEmitter.Emit([hub], out diagnostics);
    }

    internal static string EmitKitchen(out IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        var compilation = TsTestHubs.Compile(TsSources.Kitchen);
        var hub = TsTestHubs.Hub(compilation, "Kitchen.KitchenHub", "Kitchen.IKitchen", "Kitchen.IKitchenClient", path: "/");
        return TypeScriptEmitter.Emit([hub], out diagnostics);
    }

    internal static string EmitBuiltins(out IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        var compilation = TsTestHubs.Compile(TsSources.Builtins);
        var hub = TsTestHubs.Hub(compilation, "Builtins.AuditHub", "Builtins.IAudit", "Builtins.IAuditClient", out var mapperDiagnostics, path: "/audit");
        var text = TypeScriptEmitter.Emit([hub], out var emitterDiagnostics);
        diagnostics = [.. mapperDiagnostics, .. emitterDiagnostics];
        return text;
    }

    [Fact]
    public void A_type_named_like_a_type_the_declarations_use_is_renamed_and_reported_or_named_with_TsName()
    {
        var text = EmitBuiltins(out var diagnostics);

        var renamed = Assert.Single(diagnostics);
        Assert.Equal("TIO015", renamed.Descriptor.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, renamed.Descriptor.DefaultSeverity);
        Assert.Equal(
            "'Builtins.Record' cannot be called 'Record' in TypeScript (the name of a TypeScript type the declarations use, which it would hide); it is declared as 'Record2': choose a name with [TsName(\"...\")]",
            renamed.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("export interface Record2 {\n  id: string;\n  counts: Record<string, number>;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("write: (record: Record2, event: Event, callback: (result: Record2 | TypedIoRejection) => void) => void;", text, StringComparison.Ordinal);
        Assert.Contains("export interface Array {\n  length: number;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("export interface AuditEntry {\n  who: string;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("export interface Promise_ {\n  kept: boolean;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("note: (entry: AuditEntry, promise: Promise_, arrays: Array[]) => void;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat()
    {
        var text = EmitChat(out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.DoesNotContain('"', text);
        Assert.DoesNotContain('\r', text);
        Snapshot.Verify(text, "d.ts");
    }

    [Fact]
    public void Hubs_share_declarations_and_colliding_names_are_renamed_everywhere()
    {
        var text = EmitShop(out var diagnostics);

        // In the order found: hubs by name (Shop.ChatHub, InventoryHub, OrdersHub, Support.ChatHub), then their types.

        Assert.DoesNotContain('"', text);
        Assert.Equal(
            string.Join("\n",
            [
                "TIO011: Two contract types map to the TypeScript name 'ChatServerToClientEvents' ('Shop.ChatHub' and 'Shop.Support.ChatHub'); the second is renamed 'Chat2ServerToClientEvents'",
                "TIO011: Two contract types map to the TypeScript name 'OrdersServerToClientEvents' ('Shop.OrdersHub' and 'Shop.OrdersServerToClientEvents'); the second is renamed 'OrdersServerToClientEvents2'",
                "TIO011: Two contract types map to the TypeScript name 'Item' ('Shop.Inventory.Item' and 'Shop.Orders.Item'); the second is renamed 'Item2'",
            ]),
            string.Join("\n", diagnostics.Select(d => $"{d.Descriptor.Id}: {d.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")));
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, d.Descriptor.DefaultSeverity));
        Snapshot.Verify(text, "d.ts");
    }

    [Fact]
    public void Pattern_namespace_rest_parameters_and_awkward_names()
    {
        var text = EmitAwkward(out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.DoesNotContain('"', text);
        Snapshot.Verify(text, "d.ts");
    }

    [Fact]
    public void Every_shape()
    {
        var compilation = TsTestHubs.Compile(TsSources.Kitchen);
        var hub = TsTestHubs.Hub(compilation, "Kitchen.KitchenHub", "Kitchen.IKitchen", "Kitchen.IKitchenClient", out var mapperDiagnostics, path: "/");
        var text = TypeScriptEmitter.Emit([hub], out var diagnostics);

        Assert.Empty(diagnostics);
        var unsupported = Assert.Single(mapperDiagnostics);
        Assert.Equal(["System.Action", "delegates are not serializable; used by 'Kitchen.Everything.Unsupported'"], unsupported.MessageArgs);
        Assert.DoesNotContain('"', text);
        Snapshot.Verify(text, "d.ts");
    }

    [Fact]
    public void No_hubs_still_declare_the_rejection_and_the_error_event()
    {
        var text = TypeScriptEmitter.Emit([], out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.StartsWith("// <auto-generated/>\n", text, StringComparison.Ordinal);
        Assert.Contains("export interface TypedIoRejection {\n  error: {\n    code: string;\n    message: string;\n    errors?: Record<string, string[]>;\n  };\n}\n", text, StringComparison.Ordinal);
        Assert.EndsWith("export interface TypedIoErrorEvent extends TypedIoRejection {\n  event: string;\n}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_output_does_not_depend_on_the_order_of_the_hubs()
    {
        var compilation = TsTestHubs.Compile(TsSources.Shop);
        var orders = TsTestHubs.Hub(compilation, "Shop.OrdersHub", "Shop.IOrders", "Shop.IOrdersClient", path: "/orders");
        var inventory = TsTestHubs.Hub(compilation, "Shop.InventoryHub", "Shop.IInventory", "Shop.IInventoryClient", path: "/inventory");

        Assert.Equal(TypeScriptEmitter.Emit([orders, inventory], out _), TypeScriptEmitter.Emit([inventory, orders], out _));
    }

    [Fact]
    public void Rename_touches_type_references_only()
    {
        var rename = new Dictionary<string, string> { ["Item"] = "Item2", ["Page"] = "Page3" };

        Assert.Equal(
            "/** Item */\nexport interface Item2<T> {\n  Item: Item2;\n  'Item': Page3<Item2[]>;\n  Page?: Record<string, Item2 | null>;\n  Items: ({ $type: 'Item' } & Item2);\n}\n",
            TypeScriptEmitter.Rename(
                "/** Item */\nexport interface Item<T> {\n  Item: Item;\n  'Item': Page<Item[]>;\n  Page?: Record<string, Item | null>;\n  Items: ({ $type: 'Item' } & Item);\n}\n",
                rename));
        Assert.Equal("(item: Item2, callback: (result: Item2 | TypedIoRejection) => void) => void", TypeScriptEmitter.Rename("(item: Item, callback: (result: Item | TypedIoRejection) => void) => void", rename));
    }
}
