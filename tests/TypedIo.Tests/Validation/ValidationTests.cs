using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Validation;

/// <summary>FluentValidation before the handler: typed hubs and socket.On&lt;T&gt;, with and without ack.</summary>
public sealed class ValidationTests
{
    private const string ValidOrder = """{"customer":"ada","address":{"street":"1 Main St","city":"London"},"lines":[{"sku":"a","quantity":1}]}""";

    private static Task<TestHost> StartAsync(ShopProbe probe, Action<SocketIoOptions>? options = null) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/untyped").OnConnection(socket =>
            {
                socket.On<Order>("placeOrder", (order, e) =>
                {
                    probe.Handled.Add("untyped:" + order.Customer);
                    e.Ack("accepted");
                });
                socket.On<Signup>("signup", async (signup, e) =>
                {
                    await Task.Yield();
                    probe.Handled.Add("untyped-signup:" + signup.Email);
                    e.Ack("welcome");
                });
            })),
            services =>
            {
                services.AddTypedIo(options);
                services.AddSingleton(probe);
                services.AddScoped<TakenEmails>();
                services.AddScoped<IValidator<Order>, OrderValidator>();
                services.AddScoped<IValidator<OrderLine>, OrderLineValidator>();
                services.AddScoped<IValidator<Signup>, SignupValidator>();
                services.AddScoped<IValidator<Shipment>, ShipmentValidator>();
                services.AddSocketHub<ShopHub>();
            });

    private static JsonElement AckError(string packet, string prefix)
    {
        Assert.StartsWith(prefix, packet, StringComparison.Ordinal);
        using var ack = JsonDocument.Parse(packet[prefix.Length..]);
        Assert.Equal(1, ack.RootElement.GetArrayLength());
        return ack.RootElement[0].GetProperty("error").Clone();
    }

    private static Dictionary<string, string[]> Errors(JsonElement error) =>
        error.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());

    [Fact]
    public async Task A_valid_payload_reaches_the_handler_and_its_ack()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("42/shop,1[\"placeOrder\"," + ValidOrder + "]");

            Assert.Equal("""43/shop,1["order-1"]""", await client.ReceiveAsync());
            Assert.Equal("placeOrder:ada", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task Nested_and_collection_rules_refuse_the_event_with_camel_case_paths_and_the_socket_stays()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["placeOrder",{"customer":"","address":{"street":"x","city":""},"lines":[{"sku":"a","quantity":1},{"sku":"","quantity":0}]}]""");

            var error = AckError(await client.ReceiveAsync(), "43/shop,1");
            Assert.Equal("validation_failed", error.GetProperty("code").GetString());
            Assert.Equal("The arguments of 'placeOrder' are not valid.", error.GetProperty("message").GetString());
            var errors = Errors(error);
            Assert.Equal(["address.city", "customer", "lines[1].quantity", "lines[1].sku"], errors.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["'Customer' must not be empty."], errors["customer"]);
            Assert.Equal(["'Quantity' must be greater than '0'."], errors["lines[1].quantity"]);

            // The handler never ran; the socket is still connected and served.
            await client.SendAsync("42/shop,2[\"placeOrder\"," + ValidOrder + "]");
            Assert.Equal("""43/shop,2["order-1"]""", await client.ReceiveAsync());
            Assert.Equal("placeOrder:ada", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task An_empty_collection_is_refused_by_its_rule()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["placeOrder",{"customer":"ada","address":{"street":"x","city":"y"},"lines":[]}]""");

            var errors = Errors(AckError(await client.ReceiveAsync(), "43/shop,1"));
            Assert.Equal(["lines"], errors.Keys);
        }
    }

    [Fact]
    public async Task Without_ack_the_client_gets_the_error_event_with_the_event_name()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,["submitOrder",{"customer":"","address":{"street":"x","city":"y"},"lines":[{"sku":"a","quantity":1}]}]""");

            Assert.Equal(
                """42/shop,["typedio:error",{"event":"submitOrder","error":{"code":"validation_failed","message":"The arguments of 'submitOrder' are not valid.","errors":{"customer":["'Customer' must not be empty."]}}}]""",
                await client.ReceiveAsync());

            await client.SendAsync("42/shop,[\"submitOrder\"," + ValidOrder + "]");
            Assert.Equal("submitOrder:ada", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task Without_ack_and_with_refusals_ignored_nothing_is_sent_and_the_handler_does_not_run()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe, o => o.UnacknowledgedRejection = UnacknowledgedRejection.Ignore);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,["submitOrder",{"customer":"","address":{"street":"x","city":"y"},"lines":[{"sku":"a","quantity":1}]}]""");
            await client.SendAsync("42/shop,[\"submitOrder\"," + ValidOrder + "]");
            await client.SendAsync("""42/shop,3["echo","next"]""");

            Assert.Equal("""43/shop,3["next"]""", await client.ReceiveAsync());
            Assert.Equal("submitOrder:ada", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task An_async_validator_from_the_socket_scope_refuses_and_accepts()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["signup",{"email":"taken@example.com"}]""");
            var error = AckError(await client.ReceiveAsync(), "43/shop,1");
            Assert.Equal("validation_failed", error.GetProperty("code").GetString());
            Assert.Equal(["This email is already registered."], Errors(error)["email"]);

            await client.SendAsync("""42/shop,2["signup",{"email":"new@example.com"}]""");
            Assert.Equal("""43/shop,2["welcome"]""", await client.ReceiveAsync());
            Assert.Equal("signup:new@example.com", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task With_several_parameters_paths_start_with_the_parameter_name_and_every_argument_is_reported()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["move",{"sku":"a","quantity":0},{"sku":"","quantity":2}]""");

            var errors = Errors(AckError(await client.ReceiveAsync(), "43/shop,1"));
            Assert.Equal(["from.quantity", "to.sku"], errors.Keys.Order(StringComparer.Ordinal));

            await client.SendAsync("""42/shop,2["move",{"sku":"a","quantity":1},{"sku":"b","quantity":2}]""");
            Assert.Equal("""43/shop,2[3]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_type_without_validator_is_not_validated()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["echo",""]""");
            Assert.Equal("""43/shop,1[""]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task The_untyped_api_validates_the_payload_of_socket_on_of_t()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/untyped");
        using (client)
        {
            await client.SendAsync("""42/untyped,1["placeOrder",{"customer":"ada","address":{"street":"x","city":""},"lines":[{"sku":"a","quantity":5}]}]""");
            var error = AckError(await client.ReceiveAsync(), "43/untyped,1");
            Assert.Equal("validation_failed", error.GetProperty("code").GetString());
            Assert.Equal(["address.city"], Errors(error).Keys);

            await client.SendAsync("""42/untyped,2["placeOrder","not an order"]""");
            error = AckError(await client.ReceiveAsync(), "43/untyped,2");
            Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
            Assert.Equal("The argument of 'placeOrder' is not a valid Order.", error.GetProperty("message").GetString());

            await client.SendAsync("""42/untyped,["signup",{"email":"taken@example.com"}]""");
            Assert.Equal(
                """42/untyped,["typedio:error",{"event":"signup","error":{"code":"validation_failed","message":"The arguments of 'signup' are not valid.","errors":{"email":["This email is already registered."]}}}]""",
                await client.ReceiveAsync());

            await client.SendAsync("42/untyped,3[\"placeOrder\"," + ValidOrder + "]");
            Assert.Equal("""43/untyped,3["accepted"]""", await client.ReceiveAsync());
            Assert.Equal("untyped:ada", await probe.Handled.NextAsync());
        }
    }

    [Fact]
    public async Task Paths_are_spelled_as_in_the_json_the_client_sent_through_JsonPropertyName_collections_and_dictionaries()
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["ship",{"parcels_list":[{"label":"a","stops":[{"zip_code":"12345","cityName":"x"},{"zip_code":"1","cityName":""}]}],"depots":{"north":{"zip_code":"22","cityName":"y"}}}]""");

            var errors = Errors(AckError(await client.ReceiveAsync(), "43/shop,1"));
            Assert.Equal(
                ["depots.north.zip_code", "parcels_list[0].stops[1].cityName", "parcels_list[0].stops[1].zip_code"],
                errors.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("""["placeOrder",{"customer":"ada","address":{"street":"x","city":"y"},"lines":[{"sku":"a","quantity":1},null]}]""", "Argument 'order' of 'placeOrder' has null at 'order.lines[1]', which its type does not allow.")]
    [InlineData("""["ship",{"parcels_list":[{"label":"a","stops":[null]}],"depots":{}}]""", "Argument 'shipment' of 'ship' has null at 'shipment.parcels_list[0].stops[0]', which its type does not allow.")]
    [InlineData("""["ship",{"parcels_list":[null],"depots":{}}]""", "Argument 'shipment' of 'ship' has null at 'shipment.parcels_list[0]', which its type does not allow.")]
    [InlineData("""["ship",{"parcels_list":[],"depots":{"north":null}}]""", "Argument 'shipment' of 'ship' has null at 'shipment.depots.north', which its type does not allow.")]
    [InlineData("""["count",["a",null],[],{}]""", "Argument 'names' of 'count' has null at 'names[1]', which its type does not allow.")]
    [InlineData("""["count",[],[],{"a":null}]""", "Argument 'scores' of 'count' has null at 'scores.a', which its type does not allow.")]
    public async Task Null_inside_a_collection_where_the_type_forbids_it_refuses_the_event(string packet, string message)
    {
        var probe = new ShopProbe();
        await using var host = await StartAsync(probe);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("42/shop,1" + packet);

            var error = AckError(await client.ReceiveAsync(), "43/shop,1");
            Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
            Assert.Equal(message, error.GetProperty("message").GetString());

            // Nullable elements stay allowed, and the socket is still served.
            await client.SendAsync("""42/shop,2["count",["a"],[null,"b"],{"s":[1]}]""");
            Assert.Equal("""43/shop,2[4]""", await client.ReceiveAsync());
            Assert.Equal("count", await probe.Handled.NextAsync());
        }
    }

    [Theory]
    [InlineData(null, "Parcels[0].Stops[1].PostalCode", "parcels_list[0].stops[1].zip_code")]
    [InlineData("shipment", "Parcels[2].Label", "shipment.parcels_list[2].label")]
    [InlineData(null, "Parcels", "parcels_list")]
    [InlineData(null, "Depots[north].CityName", "depots[north].cityName")]
    [InlineData("shipment", "", "shipment")]
    [InlineData(null, "", "")]
    [InlineData(null, "Unknown[1].SomeThing", "unknown[1].someThing")]
    [InlineData(null, "Depots[1].Value.PostalCode", "depots.south.zip_code")]
    [InlineData(null, "Depots[1].Value", "depots.south")]
    [InlineData(null, "Depots[1]", "depots.south")]
    [InlineData(null, "Depots[7].Value", "depots[7].value")]
    public void Property_paths_use_the_json_names_of_the_metadata(string? prefix, string property, string expected)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        var stop = new Destination("12345", "x");
        var shipment = new Shipment([new Parcel("a", [stop])], new() { ["north"] = stop, ["south"] = stop });

        Assert.Equal(expected, ArgumentValidation.JsonPath(prefix, property, typeof(Shipment), options, shipment));
    }
}
