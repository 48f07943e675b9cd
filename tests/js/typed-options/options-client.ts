// A TypeScript client of WireHub, typed by the .d.ts the test project's build generates with the options of
// WireJsonContext: snake_case names, enums as strings, nulls left out (WhenWritingNull), numbers written as strings
// and read from numbers or strings. Compiled with tsc --strict by tests/TypedIo.Tests/Interop/TypedClientInteropTests.cs
// (JSON options test), then run:
//
//   node typed-options/out/options-client.js <url>
//
// Prints {"event":"result", ...} with what it received, then exits 0; {"event":"error"} and exit 1 otherwise.
import { io, Socket } from "socket.io-client";
import type { WireClientToServerEvents, WireItem, WireItemInput, WireServerToClientEvents, WireSpeed } from "../typed-pipeline/generated/tests.js";

const url = process.argv[2];
const fail = (message: string): never => {
  process.stdout.write(JSON.stringify({ event: "error", message }) + "\n");
  process.exit(1);
};
setTimeout(() => fail("timed out"), 20000);

const socket: Socket<WireServerToClientEvents, WireClientToServerEvents> = io(url + "wire", { transports: ["websocket"], reconnection: false });
await new Promise<void>((resolve) => {
  socket.on("connect", () => resolve());
  socket.on("connect_error", (err) => fail(err.message));
});

// What the client sends: a number may be a string, the null note may be left out, the enum is its name.
const speed: WireSpeed = "Fast";
const sent: WireItemInput = { postal_code: "12345", speed, count: "3", weight: 2.5 };
const echoed = await socket.emitWithAck("echo", sent);
if ("error" in echoed) fail(echoed.error.message);
const item = echoed as WireItem;
// What it receives: numbers as strings (WriteAsString), note absent rather than null.
const count: string = item.count;
const weight: string = item.weight;
const note: string | null | undefined = item.note;

// Sent as numbers too.
const again = await socket.emitWithAck("echo", { postal_code: "54321", speed: "Slow", note: "fragile", count: 4, weight: 1 });
if ("error" in again) fail(again.error.message);

// Refused by a typed hub filter: the ack is the rejection envelope.
const blocked = await socket.emitWithAck("echo", { postal_code: "00000", speed: "Slow", count: 1, weight: 1 });
if (!("error" in blocked)) fail("the filter did not refuse");
socket.close();

process.stdout.write(JSON.stringify({ event: "result", keys: Object.keys(item), count, weight, speed: item.speed, note: note ?? "absent", again, blocked }) + "\n");
process.exit(0);
