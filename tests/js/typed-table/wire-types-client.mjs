// The real socket.io-client against WireTypesHub (tests/TypedIo.Tests/Typed/WireTypesHub.cs): sends each sample,
// reports what the ack brought back as Node sees it. Run by WireTypesTableTests:
//
//   node typed-table/wire-types-client.mjs <url> <samples as JSON: [[event, value, binary?], ...]>
//
// Prints {"event":"result","received":[{"name","kind","json"}]} then exits 0; {"event":"error"} and exit 1 otherwise.
import { io } from "socket.io-client";

const [url, samplesJson] = [process.argv[2], process.argv[3]];
const fail = (message) => {
  process.stdout.write(JSON.stringify({ event: "error", message }) + "\n");
  process.exit(1);
};
setTimeout(() => fail("timed out"), 20000);

const kind = (value) =>
  value === null ? "null"
  : Buffer.isBuffer(value) ? "Buffer"
  : value instanceof ArrayBuffer ? "ArrayBuffer"
  : Array.isArray(value) ? "array"
  : typeof value;

const socket = io(url + "wire-types", { transports: ["websocket"], reconnection: false });
await new Promise((resolve) => {
  socket.on("connect", resolve);
  socket.on("connect_error", (err) => fail(err.message));
});

const received = [];
for (const [name, value, binary] of JSON.parse(samplesJson)) {
  const sent = binary ? new Uint8Array(value) : value;
  const result = await socket.timeout(5000).emitWithAck(name, sent);
  if (result !== null && typeof result === "object" && "error" in result) fail(`${name}: ${result.error.message}`);
  received.push({ name, kind: kind(result), json: Buffer.isBuffer(result) ? JSON.stringify([...result]) : JSON.stringify(result) });
}
socket.close();
process.stdout.write(JSON.stringify({ event: "result", received }) + "\n");
process.exit(0);
