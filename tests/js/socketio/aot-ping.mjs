// Smoke test of the Native AOT sample (samples/Aot) with the real socket.io-client 4.8.1, for
// tests/TypedIo.Tests/Samples/AotSampleTests.cs.
//
//   node socketio/aot-ping.mjs <url>
//
// Two clients connect over WebSocket; A pings with an ack, B hears "pinged". Prints
// {"event":"result","pong":<A's ack>,"pinged":<B's event argument>} and exits 0, or {"event":"error"} and exit 1.

import { io } from "socket.io-client";

const baseUrl = (process.argv[2] ?? "").replace(/\/+$/, "");
const print = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const fail = (message) => { print("error", { message }); process.exit(1); };
setTimeout(() => fail("timed out"), 30000);

const connect = () => new Promise((resolve, reject) => {
  const socket = io(baseUrl, { transports: ["websocket"], forceNew: true, reconnection: false });
  socket.once("connect", () => resolve(socket));
  socket.once("connect_error", reject);
});

try {
  const [a, b] = await Promise.all([connect(), connect()]);
  const pinged = new Promise((resolve) => b.once("pinged", resolve));
  const pong = await a.timeout(10000).emitWithAck("ping", { seq: 7, text: "hello" });
  print("result", { pong, pinged: await pinged });
  a.close();
  b.close();
  process.exit(0);
} catch (err) {
  fail(String(err?.stack ?? err));
}
