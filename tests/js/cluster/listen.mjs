// Clients that only listen: connects them (joining rooms through the fixture's `join` event), prints
// {"event":"ready","ids":{name: socket id}}, records every event they receive, and once each client got `end` or was
// disconnected prints {"event":"result","clients":{name: [[event, ...args], ...]}} and exits. For the emitter tests
// (tests/TypedIo.Redis.Tests/Interop/EmitterInteropTests.cs): something else (an emitter) does the talking.
//
//   node cluster/listen.mjs '{"clients":[{"name":"x","url":"http://...","nsp":"/","auth":{...},"rooms":["a"]}]}'
import { connect, describe, fail, finish, guard, print } from "./cluster-client.mjs";

const [optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? "{}");
guard(options.timeoutMs ?? 30000);
if (!Array.isArray(options.clients)) fail("usage: listen.mjs '{\"clients\":[...]}'");

try {
  const clients = await Promise.all(options.clients.map(async (spec) => {
    const client = await connect(spec.name, spec.url, { nsp: spec.nsp ?? "/", auth: spec.auth });
    for (const room of spec.rooms ?? []) await client.call("join", room);
    return client;
  }));
  const log = Object.fromEntries(clients.map((c) => [c.name, []]));
  const finished = clients.map((client) => new Promise((resolve) => {
    const seen = (event, args) => {
      log[client.name].push([event, ...describe(args)]);
      if (event === "end" || event === "disconnect") resolve();
    };
    client.socket.onAny((event, ...args) => seen(event, args));
    client.socket.on("disconnect", (reason) => seen("disconnect", [reason]));
  }));
  print("ready", { ids: Object.fromEntries(clients.map((c) => [c.name, c.id])) });
  await Promise.all(finished);
  await finish({ clients: log });
} catch (err) {
  fail(err?.stack ?? String(err));
}
