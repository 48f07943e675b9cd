using System.Text.Json;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>Generated dispatch: wire name → hub method, arguments decoded, acks answered, bad input refused.</summary>
public sealed class HubDispatchTests
{
    [Fact]
    public async Task An_event_reaches_its_method_with_decoded_arguments()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["post",{"room":"r1","text":"hi","priority":null}]""");

            Assert.Equal(new Note("r1", "hi", null), await probe.Notes.NextAsync());
        }
    }

    [Fact]
    public async Task An_explicit_event_name_and_a_value_task_method_work()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["set-flag",true]""");
            Assert.True(await probe.Flags.NextAsync());

            await client.SendAsync("""42/notes,["setFlag",false]""");   // the method name is not the wire name
            await client.SendAsync("""42/notes,["set-flag",false]""");
            Assert.False(await probe.Flags.NextAsync());
        }
    }

    [Fact]
    public async Task The_return_value_is_the_ack()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,7["join","lobby"]""");
            Assert.Equal("""43/notes,7[{"room":"lobby","members":1}]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,8["maybe",null]""");
            Assert.Equal("""43/notes,8[null]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,9["maybe","abc"]""");
            Assert.Equal("""43/notes,9[3]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_binary_argument_comes_from_its_attachment()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""451-/notes,4["size",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([1, 2, 3, 4, 5]);

            Assert.Equal("""43/notes,4[5]""", await client.ReceiveAsync());
        }
    }

    [Theory]
    [InlineData("""["join"]""", "'join' expects 1 argument(s), got 0.")]
    [InlineData("""["join","a","b"]""", "'join' expects 1 argument(s), got 2.")]
    [InlineData("""["join",42]""", "Argument 'room' of 'join' is not a valid String.")]
    [InlineData("""["join",null]""", "Argument 'room' of 'join' must not be null.")]
    [InlineData("""["join","\ud800"]""", "Argument 'room' of 'join' is not a valid String.")]
    [InlineData("""["post",{"room":"r","text":"t","priority":"high"}]""", "Argument 'note' of 'post' is not a valid Note.")]
    [InlineData("""["size","not-binary"]""", "Argument 'data' of 'size' is not a valid Byte[].")]
    public async Task Arguments_that_do_not_fit_are_refused_on_the_ack_and_the_socket_stays(string payload, string message)
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("42/notes,5" + payload);

            var reply = await client.ReceiveAsync();
            Assert.StartsWith("43/notes,5", reply, StringComparison.Ordinal);
            using var ack = JsonDocument.Parse(reply["43/notes,5".Length..]);
            var error = ack.RootElement[0].GetProperty("error");
            Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
            Assert.Equal(message, error.GetProperty("message").GetString());

            await client.SendAsync("""42/notes,6["maybe","still here"]""");
            Assert.Equal("""43/notes,6[10]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_refused_event_without_ack_runs_nothing_and_the_client_gets_the_error_event()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["post",{"room":"r","text":null}]""");
            Assert.Equal("""42/notes,["typedio:error",{"event":"post","error":{"code":"invalid_arguments","message":"Argument 'note' of 'post' is not a valid Note."}}]""", await client.ReceiveAsync());
            await client.SendAsync("""42/notes,["post",{"room":"ok","text":"fine","priority":2}]""");

            // The first note the hub sees is the valid one.
            Assert.Equal(new Note("ok", "fine", 2), await probe.Notes.NextAsync());
        }
    }

    [Fact]
    public async Task A_refused_event_without_ack_sends_nothing_when_the_server_ignores_such_refusals()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe, o => o.UnacknowledgedRejection = TypedIo.SocketIo.UnacknowledgedRejection.Ignore);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["post",{"room":"r","text":null}]""");
            await client.SendAsync("""42/notes,["post","not an object"]""");
            await client.SendAsync("""42/notes,["post",{"room":"ok","text":"fine","priority":2}]""");

            // The first note the hub sees is the valid one; nothing was sent to the client for the others.
            Assert.Equal(new Note("ok", "fine", 2), await probe.Notes.NextAsync());
            await client.SendAsync("""42/notes,1["maybe","x"]""");
            Assert.Equal("""43/notes,1[1]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_handler_failure_is_a_generic_server_error_and_a_hub_exception_keeps_its_message()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,1["fail","crash"]""");
            Assert.Equal("""43/notes,1[{"error":{"code":"server_error","message":"An unexpected error occurred."}}]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,2["fail","hub"]""");
            Assert.Equal("""43/notes,2[{"error":{"code":"not_allowed","message":"You may not."}}]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task An_unknown_event_is_ignored_and_its_ack_answered_with_unknown_event()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["nope",1]""");
            await client.SendAsync("""42/notes,3["nope",1]""");
            await client.SendAsync("""42/notes,4["maybe","ab"]""");

            Assert.Equal("""43/notes,3[{"error":{"code":"unknown_event","message":"Nothing handles 'nope'."}}]""", await client.ReceiveAsync());
            Assert.Equal("""43/notes,4[2]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_rest_parameter_takes_every_remaining_argument_binary_included()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""451-/notes,["relay","back",1,{"b":{"_placeholder":true,"num":0}},"x"]""");
            await client.SendBinaryAsync([9, 8]);

            Assert.Equal("""451-/notes,["back",1,{"b":{"_placeholder":true,"num":0}},"x"]""", await client.ReceiveAsync());
            Assert.Equal(new byte[] { 9, 8 }, await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task A_socket_args_parameter_takes_the_remaining_arguments_as_received()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            // After a fixed parameter, relayed byte for byte (a lone surrogate escape, spaces inside a value, a number's spelling).
            await client.SendAsync("""42/notes,["forward","back","\ud800",{ "a" : [1, 2] },1.50,null]""");
            Assert.Equal("""42/notes,["back","\ud800",{ "a" : [1, 2] },1.50,null]""", await client.ReceiveAsync());

            // Binary: the attachment goes back as an attachment of the relayed packet.
            await client.SendAsync("""451-/notes,["forward","back",1,{"b":{"_placeholder":true,"num":0}},"x"]""");
            await client.SendBinaryAsync([9, 8]);
            Assert.Equal("""451-/notes,["back",1,{"b":{"_placeholder":true,"num":0}},"x"]""", await client.ReceiveAsync());
            Assert.Equal(new byte[] { 9, 8 }, await client.ReceiveBinaryAsync());

            await client.SendAsync("""42/notes,5["countArgs"]""");
            Assert.Equal("""43/notes,5[0]""", await client.ReceiveAsync());
            await client.SendAsync("""42/notes,6["countArgs",1,"two",[3]]""");
            Assert.Equal("""43/notes,6[3]""", await client.ReceiveAsync());

            // The typed emitters: alone, the arguments as received; after another parameter, the same values.
            await client.SendAsync("""42/notes,["mirror","\ud800",{ "a" : 1 }]""");
            Assert.Equal("""42/notes,["mirrored","\ud800",{ "a" : 1 }]""", await client.ReceiveAsync());
            Assert.Equal("""42/notes,["mirroredFrom","hub","\ud800",{ "a" : 1 }]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_hub_serves_a_namespace_pattern()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/team-42");

        Assert.Equal("""42/team-42,["hello","/team-42"]""", await client.ReceiveAsync());
        await client.SendAsync("""42/team-42,1["where"]""");
        Assert.Equal("""43/team-42,1["/team-42"]""", await client.ReceiveAsync());

        await client.SendAsync("40/team-x,");
        Assert.Equal("""44/team-x,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
    }
}
