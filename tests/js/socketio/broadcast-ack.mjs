// Several real socket.io-client 4.8.1 clients answering one server broadcast with ack, for
// tests/TypedIo.Tests/Interop/BroadcastAckInteropTests.cs (run against a TypedIo host of the test, not the fixture).
//
//   node socketio/broadcast-ack.mjs <url> <mode> <options-json>
//
//   url       the host's base address, e.g. http://127.0.0.1:5000
//   mode      polling (no upgrade) | websocket (no polling) | upgrade (polling, then upgrade to websocket)
//   options   {"clients": n, "silent": [indexes that never answer], "nsp": "/", "timeoutMs": 60000, "waitMs": 20000}
//
// Prints one JSON object per line: {"event":"connected","ids":[socket ids in client order]} once every client is
// connected (and upgraded in mode upgrade); then each client waits for the server's "poll" event with an ack: a
// client not in "silent" answers {index, got: <the event's arguments>}, then emits "answered" (which the server
// receives after the ack, on the same connection). After the server's "bye" on every client:
// {"event":"result","received":[per client: the arguments of "poll"],"answered":[indexes]} and {"event":"done"},
// exit code 0. {"event":"error","message":...} and exit code 1 on a failed wait or the overall timeout.

import { io } from "socket.io-client";

const [rawUrl, mode, optionsJson = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const count = options.clients ?? 3;
const silent = new Set(options.silent ?? []);
const nsp = options.nsp ?? "/";
const timeoutMs = options.timeoutMs ?? 60000;
const waitMs = options.waitMs ?? 20000;
const baseUrl = (rawUrl ?? "").replace(/\/+$/, "");

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

function fail(message) {
  emit("error", { message, mode });
  process.exit(1);
}

const overallTimeout = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));

const transportsByMode = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] };
if (!rawUrl || !transportsByMode[mode]) fail("usage: broadcast-ack.mjs <url> <polling|websocket|upgrade> [options-json]");

/** Resolves when fn() is true, re-checked whenever notify() is called; rejects after ms. */
function waitFor(what, fn, ms = waitMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!fn()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
    waiters.add(check);
    check();
  });
}
const waiters = new Set();
const notify = () => [...waiters].forEach((w) => w());

const clients = [];
for (let index = 0; index < count; index++) {
  const state = { index, connected: false, upgraded: mode !== "upgrade", poll: null, bye: false };
  const socket = io(baseUrl + nsp, {
    transports: transportsByMode[mode],
    upgrade: mode === "upgrade",
    reconnection: false,
    forceNew: true,
    timeout: waitMs,
  });
  socket.on("connect", () => {
    state.connected = true;
    notify();
  });
  socket.on("connect_error", (err) => fail(`client ${index}: connect_error ${err.message}`));
  // engine.io-client emits "upgrade" while it is still marked as upgrading: the event itself is the signal.
  socket.io.on("open", () =>
    socket.io.engine.on("upgrade", () => {
      state.upgraded = true;
      notify();
    }),
  );
  socket.on("poll", (...args) => {
    const ack = args.pop();
    if (typeof ack !== "function") fail(`client ${index}: "poll" came without an ack callback`);
    state.poll = args;
    if (!silent.has(index)) {
      ack({ index, got: args });
      socket.emit("answered", index);
    }
    notify();
  });
  socket.on("bye", () => {
    state.bye = true;
    notify();
  });
  clients.push({ socket, state });
}

await waitFor("every client connected (and upgraded in mode upgrade)", () => clients.every((c) => c.state.connected && c.state.upgraded));
emit("connected", { ids: clients.map((c) => c.socket.id), transports: clients.map((c) => c.socket.io.engine.transport.name) });

await waitFor("every client got poll and bye", () => clients.every((c) => c.state.poll !== null && c.state.bye));
emit("result", {
  received: clients.map((c) => c.state.poll),
  answered: clients.filter((c) => !silent.has(c.state.index)).map((c) => c.state.index),
});
clearTimeout(overallTimeout);
for (const c of clients) c.socket.disconnect();
emit("done");
process.exitCode = 0;
setTimeout(() => process.exit(0), 5000).unref();
