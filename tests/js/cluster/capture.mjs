// Records what Node's official packages put on Redis, byte for byte, as test data for TypedIo's codec and adapters
// (tests/TypedIo.Redis.Tests/TestData/*.json). Run once by hand against an empty redis-server; the output is committed:
//
//   redis-server --port 6390 --save "" --appendonly no &
//   node cluster/capture.mjs 127.0.0.1:6390 ../TypedIo.Redis.Tests/TestData
//
// Three in-process socket.io 4.8.4 nodes share the Redis: A publishes (broadcasts of every msgpack shape, every request
// type), B (publishOnSpecificResponseChannel: true) and C (the default) answer, each with one client connected so the
// answers have content. A raw connection subscribed with PSUBSCRIBE * records every PUBLISH (channel + exact bytes);
// the emitter (@socket.io/redis-emitter) is recorded the same way. The sharded adapter (SPUBLISH, invisible to
// PSUBSCRIBE) is recorded with SSUBSCRIBE on each channel it uses.
//
// Each recorded message: {description, channel, format: "msgpack"|"json", base64, decoded}, where decoded is the
// message as Node's own parser reads it (binary as {"$bin": base64}), for the decode tests.
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "redis";
import { Server } from "socket.io";
import { io as connectClient } from "socket.io-client";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import notepack from "notepack.io";

const [endpoint, outputDirectory] = process.argv.slice(2);
if (!endpoint || !outputDirectory) {
  console.error("usage: capture.mjs HOST:PORT OUTPUT-DIRECTORY");
  process.exit(2);
}
const url = `redis://${endpoint}`;
const clients = [];
const servers = [];
const sockets = [];

async function redis() {
  const client = createClient({ url });
  client.on("error", (err) => console.error(`redis: ${err.message}`));
  await client.connect();
  clients.push(client);
  return client;
}

// ---- recording ----

let step = "(none)";
let recorded = [];
let lastMessageAt = 0;

function record(message, channel) {
  lastMessageAt = performance.now();
  const bytes = Buffer.from(message);
  const json = bytes[0] === 0x7b;
  const decoded = json ? JSON.parse(bytes.toString("utf8")) : notepack.decode(bytes);
  recorded.push({
    description: step,
    channel: Buffer.from(channel).toString("utf8"),
    format: json ? "json" : "msgpack",
    base64: bytes.toString("base64"),
    decoded: describe(decoded),
  });
}

function describe(value) {
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $bin: bytes.toString("base64") };
  }
  if (Array.isArray(value)) return value.map(describe);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
}

/** Runs one step and waits until Redis has been quiet for 200 ms (at least `expected` messages recorded). */
async function capture(description, action, expected = 1) {
  step = description;
  const before = recorded.length;
  await action();
  const deadline = performance.now() + 5000;
  lastMessageAt = performance.now();
  while (performance.now() < deadline && (recorded.length - before < expected || performance.now() - lastMessageAt < 200))
    await sleep(20);
  if (recorded.length - before < expected) throw new Error(`step '${description}': ${recorded.length - before} messages, expected ${expected}`);
}

function save(file, source) {
  const path = join(outputDirectory, file);
  writeFileSync(path, JSON.stringify({ source, messages: recorded }, null, 2) + "\n");
  console.log(`${path}: ${recorded.length} messages`);
  recorded = [];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- nodes ----

async function startNode(adapterFactory) {
  const httpServer = createServer();
  const io = new Server(httpServer, { adapter: adapterFactory });
  io.of("/admin");
  io.on("connection", (socket) => {
    socket.join("room1");
    socket.onAny(() => {});
  });
  io.on("ask", (_a, ack) => ack({ answer: 42, bin: Buffer.from([9, 8]) }));
  io.on("hello", () => {});
  await new Promise((r) => httpServer.listen(0, "127.0.0.1", r));
  servers.push(io);
  const client = connectClient(`http://127.0.0.1:${httpServer.address().port}`, {
    transports: ["websocket"],
    auth: { token: "t" },
    forceNew: true,
  });
  client.on("ack-me", (...args) => args.pop()({ got: args.length, bin: Buffer.from([7]) }));
  await new Promise((r) => client.on("connect", r));
  sockets.push(client);
  return io;
}

const ints = [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, Number.MAX_SAFE_INTEGER,
  -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, Number.MIN_SAFE_INTEGER];
const strings = ["", "a", "x".repeat(31), "y".repeat(32), "z".repeat(255), "w".repeat(256), "héllo ✓ 😀"];
const floats = [0.5, -1.25, Math.PI, 1.5e-7, -2.5e-300, 123456.789];
const bigMap = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]));
const bigArray = Array.from({ length: 17 }, (_, i) => i * 1000);
const nested = { a: { b: { c: [1, [2, [3, { d: null }]]] } }, t: true, f: false, n: null, map16: bigMap, list: bigArray };

async function broadcasts(io, label) {
  await capture(`${label}: io.emit strings of every msgpack width (fixstr, str8, str16, non-ASCII)`, () => io.emit("strings", ...strings));
  await capture(`${label}: io.emit ints of every msgpack width, positive and negative`, () => io.emit("ints", ...ints));
  await capture(`${label}: io.emit floats (float64)`, () => io.emit("floats", ...floats));
  await capture(`${label}: io.emit 1e300, an integer-valued double beyond 2^64 (notepack.io writes it as uint64 0: a quirk of Node's encoder, read back as 0)`, () => io.emit("huge", 1e300));
  await capture(`${label}: io.emit nested maps and arrays (map16, array16), true, false, null`, () => io.emit("nested", nested));
  await capture(`${label}: io.emit binary attachments (bin8, bin16, empty, nested)`, () =>
    io.emit("binary", Buffer.from([1, 2, 3]), { file: Buffer.alloc(300, 7), list: [Buffer.alloc(0)] }));
  await capture(`${label}: io.to("room1").emit (one room)`, () => io.to("room1").emit("to-room", 1));
  await capture(`${label}: io.to("room1").to("room2").emit (two rooms)`, () => io.to("room1").to("room2").emit("to-rooms", "x"));
  await capture(`${label}: io.except("room2").emit`, () => io.except("room2").emit("except", true));
  await capture(`${label}: io.to("room1").except(["room2", "room3"]).emit`, () => io.to("room1").except(["room2", "room3"]).emit("to-except", null));
  await capture(`${label}: io.volatile.emit`, () => io.volatile.emit("volatile", 1));
  await capture(`${label}: io.compress(false).emit`, () => io.compress(false).emit("uncompressed", 1));
  await capture(`${label}: io.of("/admin").emit (another namespace)`, () => io.of("/admin").emit("nsp-event", { n: 1 }));
}

// ---- pub/sub adapter ----

const recorder = await redis();
await recorder.pSubscribe("*", record, true);

const pubsub = async (opts) => {
  const [pub, sub] = await Promise.all([redis(), redis()]);
  return createAdapter(pub, sub, opts);
};
const a = await startNode(await pubsub());
await startNode(await pubsub({ publishOnSpecificResponseChannel: true }));
await startNode(await pubsub());
const aAdapter = a.of("/").adapter;
recorded = []; // the clients' connections published nothing, but start clean

await broadcasts(a, "pubsub");
await capture("pubsub: io.fetchSockets() request (REMOTE_FETCH), and the answers of B (specific response channel) and C",
  () => a.fetchSockets(), 3);
await capture("pubsub: io.in(\"room1\").except(\"room2\").fetchSockets() request and answers",
  () => a.in("room1").except("room2").fetchSockets(), 3);
await capture("pubsub: adapter.allRooms() request (ALL_ROOMS) and answers", () => aAdapter.allRooms(), 3);
await capture("pubsub: io.socketsJoin(\"room3\") (REMOTE_JOIN)", () => a.socketsJoin("room3"));
await capture("pubsub: io.in(\"room1\").socketsLeave([\"room3\", \"room4\"]) (REMOTE_LEAVE)", () => a.in("room1").socketsLeave(["room3", "room4"]));
await capture("pubsub: io.in(\"nobody\").disconnectSockets(true) (REMOTE_DISCONNECT, close)", () => a.in("nobody").disconnectSockets(true));
await capture("pubsub: io.except(\"room1\").disconnectSockets() (REMOTE_DISCONNECT)", () => a.except("room1").disconnectSockets());
await capture("pubsub: io.serverSideEmit(\"hello\", ...) without ack (SERVER_SIDE_EMIT)", () => a.serverSideEmit("hello", 1, "two", { three: [3] }));
await capture("pubsub: io.serverSideEmit(\"ask\", ..., ack) (SERVER_SIDE_EMIT with requestId) and the answers",
  () => new Promise((resolve) => a.serverSideEmit("ask", { q: 1 }, () => resolve())), 3);
await capture("pubsub: io.timeout(1000).emit(\"ack-me\", ..., ack) (BROADCAST request), client counts and acks of B and C",
  () => new Promise((resolve) => a.timeout(1000).emit("ack-me", 1, Buffer.from([1, 2]), () => resolve())), 5);
await capture("pubsub: io.to(\"room1\").timeout(1000).emit(\"ack-me\", ack) (BROADCAST request to a room) and answers",
  () => new Promise((resolve) => a.to("room1").timeout(1000).emit("ack-me", "x", () => resolve())), 5);
save("pubsub-adapter.json", "@socket.io/redis-adapter 8.3.0 createAdapter (notepack.io 3.0.1), socket.io 4.8.4: node A publishes; B has publishOnSpecificResponseChannel: true, C the defaults");

// ---- emitter ----

const emitter = new Emitter(await redis());
await capture("emitter: emit to all, with binary", () => emitter.emit("from-emitter", 1, "two", Buffer.from([3])));
await capture("emitter: to(\"room1\").emit (one room)", () => emitter.to("room1").emit("to-room", { a: 1 }));
await capture("emitter: to(\"room1\").to(\"room2\").except(\"room3\").emit", () => emitter.to("room1").to("room2").except("room3").emit("to-rooms", -1));
await capture("emitter: of(\"/admin\").emit (another namespace)", () => emitter.of("/admin").emit("nsp-event", 1.5));
await capture("emitter: volatile.compress(false).emit (flags)", () => emitter.volatile.compress(false).emit("flags", true));
await capture("emitter: socketsJoin(\"room5\")", () => emitter.socketsJoin("room5"));
await capture("emitter: in(\"room1\").socketsLeave(\"room5\")", () => emitter.in("room1").socketsLeave("room5"));
await capture("emitter: in(\"nobody\").disconnectSockets(true)", () => emitter.in("nobody").disconnectSockets(true));
await capture("emitter: serverSideEmit(\"hello\", ...)", () => emitter.serverSideEmit("hello", 1, { two: 2 }));
save("emitter.json", "@socket.io/redis-emitter 5.1.0 (notepack.io 3.0.1)");

// ---- sharded adapter ----

for (const io of servers) io.close();
for (const socket of sockets) socket.disconnect();
servers.length = 0;
sockets.length = 0;
await recorder.pUnsubscribe("*");
await sleep(300);

const sharded = async () => {
  const [pub, sub] = await Promise.all([redis(), redis()]);
  return createShardedAdapter(pub, sub);
};
const sa = await startNode(await sharded());
const sb = await startNode(await sharded());
const shardRecorder = await redis();
const channels = ["socket.io#/#", "socket.io#/admin#", "socket.io#/#room1#", "socket.io#/#room2#",
  `socket.io#/#${sa.of("/").adapter.uid}#`, `socket.io#/#${sb.of("/").adapter.uid}#`];
for (const channel of channels) await shardRecorder.sSubscribe(channel, record, true);
recorded = [];

await broadcasts(sa, "sharded");
// The recorder's SSUBSCRIBE counts as one more server (SHARDNUMSUB), so requests that wait for every server would
// only end at their timeout: they are started, not awaited; the recorded messages are what matters here.
const started = (promise) => void promise.catch(() => {});
await capture("sharded: io.fetchSockets() (FETCH_SOCKETS) and the answer", () => started(sa.fetchSockets()), 2);
await capture("sharded: io.socketsJoin(\"room3\") (SOCKETS_JOIN)", () => sa.socketsJoin("room3"));
await capture("sharded: io.socketsLeave(\"room3\") (SOCKETS_LEAVE)", () => sa.socketsLeave("room3"));
await capture("sharded: io.in(\"nobody\").disconnectSockets(true) (DISCONNECT_SOCKETS)", () => sa.in("nobody").disconnectSockets(true));
await capture("sharded: io.serverSideEmit(\"hello\", ...) (SERVER_SIDE_EMIT)", () => sa.serverSideEmit("hello", 1, "two"));
await capture("sharded: io.serverSideEmit(\"ask\", ..., ack) and the answer (SERVER_SIDE_EMIT_RESPONSE, binary)",
  () => sa.serverSideEmit("ask", 1, () => {}), 2);
await capture("sharded: io.timeout(1000).emit(\"ack-me\", ..., ack) (BROADCAST with requestId), client count and ack",
  () => sa.timeout(1000).emit("ack-me", 1, () => {}), 3);
save("sharded-adapter.json", "@socket.io/redis-adapter 8.3.0 createShardedAdapter (subscriptionMode dynamic), socket.io-adapter 2.5.9 ClusterAdapter, socket.io 4.8.4: node A publishes, B answers");

for (const io of servers) io.close();
for (const socket of sockets) socket.disconnect();
await Promise.all(clients.map((c) => c.quit().catch(() => {})));
process.exit(0);
