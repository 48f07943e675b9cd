// Connection state recovery with the real socket.io-client 4.8.1, for
// tests/TypedIo.Tests/Interop/RecoveryInteropTests.cs (run against a TypedIo host of the test, not the fixture).
//
//   node socketio/recovery.mjs <url> <mode>
//
//   mode  polling (no upgrade) | websocket (no polling) | upgrade (polling, then upgrade to websocket)
//
// The client emits "start"; the server streams events "n" 1..50 to it. On 50 the client closes its transport (the
// Manager reconnects by itself); the server emits 51..100 while it is away. Back, the client emits "resumed" and the
// server emits 101..150. Prints {"event":"result","received":[every n in arrival order],"recovered":[socket.recovered
// at each connect],"ids":[socket.id at each connect]} and exits 0; {"event":"error","message":...} and exit 1 otherwise.

import { io } from "socket.io-client";

const [rawUrl, mode] = process.argv.slice(2);
const baseUrl = (rawUrl ?? "").replace(/\/+$/, "");
const transports = mode === "websocket" ? ["websocket"] : ["polling", "websocket"];

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

function fail(message) {
  emit("error", { message });
  process.exit(1);
}

setTimeout(() => fail("timed out"), 60000);

const socket = io(baseUrl, {
  transports,
  upgrade: mode === "upgrade",
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
  randomizationFactor: 0,
});
const received = [];
const recovered = [];
const ids = [];

socket.on("connect", () => {
  recovered.push(socket.recovered);
  ids.push(socket.id);
  socket.emit(ids.length === 1 ? "start" : "resumed");
});
socket.on("connect_error", (err) => fail("connect_error: " + err.message));
// With recovery on, the server appends the packet's offset as the last argument (as Node's server does).
socket.on("n", (n, offset) => {
  if (typeof offset !== "string") fail("no offset after " + n);
  received.push(n);
  if (n === 50 && ids.length === 1) socket.io.engine.close();
  if (n === 150) {
    emit("result", { received, recovered, ids });
    socket.close();
    process.exit(0);
  }
});
