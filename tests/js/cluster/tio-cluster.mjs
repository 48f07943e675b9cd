// Cluster scenarios against TypedIo fixture nodes on one Redis (FIXTURE.md, "Cluster options"), driven by the real
// socket.io-client, for tests/TypedIo.Redis.Tests. Each scenario asserts what it sees and prints one JSON event per
// line; it exits 0 after {"event":"done"}, or prints {"event":"error","message":...} and exits 1.
//
//   node cluster/tio-cluster.mjs cross      <urlA> <urlB> <nameA> <nameB>
//   node cluster/tio-cluster.mjs restart    <urlA> <urlB> <signal-file>
//   node cluster/tio-cluster.mjs dead-node  <urlA> <urlB> <signal-file>
//   node cluster/tio-cluster.mjs malformed  <urlA> <urlB> <signal-file>
//   node cluster/tio-cluster.mjs emitter    <urlA> <urlB> <signal-file>
//
// A scenario that needs the test to act (restart Redis, pause or kill a node, publish garbage, emit) prints
// {"event":"ready",...} and waits until <signal-file> exists (dead-node: <signal-file>.1 then <signal-file>.2).
import { io } from "socket.io-client";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";

const [scenario, ...args] = process.argv.slice(2);
const out = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const fail = (message) => {
  out("error", { message });
  process.exit(1);
};
process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));
setTimeout(() => fail("timed out after 120 s"), 120000).unref();

const clients = [];
function connect(url, name) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  socket.label = name;
  socket.received = [];
  socket.disconnects = [];
  socket.onAny((event, ...rest) => socket.received.push({ event, args: rest }));
  socket.on("disconnect", (reason) => socket.disconnects.push(reason));
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("welcome", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Resolves with the first event named `event` (matching `where`) received after index `from`; re-checked on arrival. */
function next(socket, event, where = () => true, ms = 10000, from = 0) {
  return new Promise((resolve, reject) => {
    const find = () => socket.received.slice(from).find((r) => r.event === event && where(r.args));
    const found = find();
    if (found) return resolve(found.args);
    const listener = () => {
      const hit = find();
      if (!hit) return;
      socket.offAny(listener);
      clearTimeout(timeout);
      resolve(hit.args);
    };
    const timeout = setTimeout(() => {
      socket.offAny(listener);
      reject(new Error(`${socket.label}: no '${event}' within ${ms} ms; got ${JSON.stringify(socket.received.map((r) => r.event))}`));
    }, ms);
    // Registered after the recording listener of connect(), so the event is in `received` when this runs.
    socket.onAny(listener);
  });
}

/** Calls `fn` until it returns true; each retry waits for the previous call's round trip, not a clock. */
async function eventually(what, fn, attempts = 200) {
  for (let i = 0; i < attempts; i++) {
    if (await fn()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

function waitForFile(path, ms = 60000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (existsSync(path)) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`no signal file ${path}`));
      setTimeout(poll, 20); // the test's signal is a file: polled, the only clock here
    };
    poll();
  });
}

const rooms = (socket) => socket.emitWithAck("leave", "\u0000none");
const sorted = (list) => [...list].sort();
const timed = async (fn) => {
  const started = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - started };
};

/** Every cross-node operation from `x` (alone on its node) towards `y` and `z` (on the other node). */
async function crossDirection(x, y, z, xName, yName) {
  const step = (name, fields = {}) => out("step", { name, from: x.label, ...fields });

  await y.emitWithAck("join", "r1");
  const mark = y.received.length, markZ = z.received.length;
  x.emit("room-emit", "r1", "news", 1, "two", { three: 3.5, list: [true, null] }, Buffer.from([1, 2, 3]));
  x.emit("broadcast", "marker", x.label);
  const news = await next(y, "news", () => true, 10000, mark);
  assert.deepEqual(news.slice(0, 3), [1, "two", { three: 3.5, list: [true, null] }]);
  assert.deepEqual([...news[3]], [1, 2, 3]);
  await next(z, "marker", () => true, 10000, markZ);
  assert.ok(!z.received.slice(markZ).some((r) => r.event === "news"), "z is not in r1");
  await next(y, "marker", () => true, 10000, mark);
  step("room-emit, broadcast and binary");

  const markId = y.received.length;
  x.emit("room-emit", y.id, "direct", "to-y");
  assert.deepEqual(await next(y, "direct", () => true, 10000, markId), ["to-y"]);
  step("room-emit to a socket id");

  const all = sorted([x.id, y.id, z.id]);
  assert.deepEqual(await x.emitWithAck("fetch-ids"), all);
  const everyRoom = await x.emitWithAck("all-rooms");
  for (const room of [...all, "r1"]) assert.ok(everyRoom.includes(room), `all-rooms has ${room}: ${everyRoom}`);
  step("fetch-ids and all-rooms");

  assert.equal(await x.emitWithAck("sockets-join", "everyone"), true);
  await eventually("y and z joined 'everyone'", async () => (await rooms(y)).includes("everyone") && (await rooms(z)).includes("everyone"));
  assert.ok((await rooms(x)).includes("everyone"));
  assert.equal(await x.emitWithAck("sockets-leave", "everyone"), true);
  await eventually("y and z left 'everyone'", async () => !(await rooms(y)).includes("everyone") && !(await rooms(z)).includes("everyone"));
  step("sockets-join and sockets-leave");

  y.on("q", (payload, cb) => cb({ who: y.label, payload }));
  z.on("q", (payload, cb) => cb({ who: z.label, payload }));
  const answered = await x.emitWithAck("broadcast-ack", "q", { n: 1 });
  assert.deepEqual(answered, { timedOut: false, responses: sorted([y.label, z.label]).map((who) => ({ who, payload: { n: 1 } })) });
  z.off("q");
  z.on("q", () => {}); // never answers
  const partial = await x.emitWithAck("broadcast-ack", "q", { n: 2 });
  assert.deepEqual(partial, { timedOut: true, responses: [{ who: y.label, payload: { n: 2 } }] });
  y.off("q");
  z.off("q");
  step("broadcast-ack with client counts, complete and timed out");

  const markHello = y.received.length;
  assert.equal(await x.emitWithAck("server-emit", { hello: x.label }), true);
  assert.deepEqual(await next(y, "cluster-hello", () => true, 10000, markHello), [{ hello: x.label }, xName, yName]);
  assert.deepEqual(await x.emitWithAck("ask-nodes", "ping"), { timedOut: false, replies: [yName] });
  assert.equal(await y.emitWithAck("node"), yName);
  step("server-emit, ask-nodes and node");

  await z.emitWithAck("join", "kick");
  const gone = new Promise((resolve) => z.once("disconnect", resolve));
  assert.equal(await x.emitWithAck("disconnect-room", "kick"), true);
  assert.equal(await gone, "io server disconnect");
  assert.ok(y.connected && x.connected);
  step("disconnect-room");
}

async function cross([urlA, urlB, nameA, nameB]) {
  const a = await connect(urlA, "a");
  const b = await connect(urlB, "b");
  const b2 = await connect(urlB, "b2");
  await crossDirection(a, b, b2, nameA, nameB);
  const a2 = await connect(urlA, "a2");
  await crossDirection(b, a, a2, nameB, nameA);
}

async function restart([urlA, urlB, signal]) {
  const a = await connect(urlA, "a");
  const b = await connect(urlB, "b");
  await b.emitWithAck("join", "lobby");
  const mark = b.received.length;
  a.emit("room-emit", b.id, "before", 1);
  await next(b, "before", () => true, 10000, mark);
  out("ready", { a: a.id, b: b.id });
  await waitForFile(signal);
  // After Redis came back, the nodes reconnect and resubscribe by themselves: the first emit that arrives proves it.
  let n = 0;
  await eventually("a room-emit from a reaches b again", async () => {
    n++;
    const from = b.received.length;
    a.emit("room-emit", b.id, "after", n);
    try {
      await next(b, "after", () => true, 500, from);
      return true;
    } catch {
      return false;
    }
  }, 120);
  // A public room too (with the sharded adapter's dynamic mode, a channel of its own, subscribed again as well).
  await eventually("a room-emit to a room reaches b again", async () => {
    const from = b.received.length;
    a.emit("room-emit", "lobby", "in-lobby", 1);
    try {
      await next(b, "in-lobby", () => true, 500, from);
      return true;
    } catch {
      return false;
    }
  }, 120);
  // Requests and responses have channels of their own (with the sharded adapter, subscribed again one by one): a fetch
  // can come back with this node's answer alone while b's request channel is not subscribed yet; each such try takes
  // the request timeout, and b's answer must come within the script's time.
  let fetches = 0;
  await eventually("a fetch from a lists b's socket again", async () => {
    fetches++;
    const ids = await a.emitWithAck("fetch-ids");
    return JSON.stringify(ids) === JSON.stringify(sorted([a.id, b.id]));
  }, 20);
  assert.deepEqual(a.disconnects, []);
  assert.deepEqual(b.disconnects, []);
  out("step", { name: "served again after the restart", emits: n, fetches });
}

async function deadNode([urlA, urlB, signal]) {
  const a = await connect(urlA, "a");
  const b = await connect(urlB, "b");
  b.on("q", (payload, cb) => cb("b"));
  assert.deepEqual(await a.emitWithAck("fetch-ids"), sorted([a.id, b.id]));
  out("ready", { a: a.id, b: b.id });
  await waitForFile(signal + ".1"); // node B is paused: subscribed, but answering nothing
  const fetch = await timed(() => a.emitWithAck("fetch-ids"));
  assert.deepEqual(fetch.result, [a.id]);
  const ack = await timed(() => a.emitWithAck("broadcast-ack", "q", 1));
  assert.deepEqual(ack.result, { timedOut: true, responses: [] });
  const ask = await timed(() => a.emitWithAck("ask-nodes", 1));
  assert.deepEqual(ask.result, { timedOut: true, replies: [] });
  out("step", { name: "paused node", fetchMs: fetch.ms, broadcastAckMs: ack.ms, askMs: ask.ms });
  await waitForFile(signal + ".2"); // node B is killed
  const fetch2 = await timed(() => a.emitWithAck("fetch-ids"));
  assert.deepEqual(fetch2.result, [a.id]);
  const ack2 = await timed(() => a.emitWithAck("broadcast-ack", "q", 2));
  assert.deepEqual(ack2.result, { timedOut: false, responses: [] });
  const ask2 = await timed(() => a.emitWithAck("ask-nodes", 2));
  assert.deepEqual(ask2.result, { timedOut: false, replies: [] });
  out("step", { name: "killed node", fetchMs: fetch2.ms, broadcastAckMs: ack2.ms, askMs: ask2.ms });
  assert.deepEqual(a.disconnects, []);
}

async function malformed([urlA, urlB, signal]) {
  const a = await connect(urlA, "a");
  const b = await connect(urlB, "b");
  await b.emitWithAck("join", "r1");
  out("ready", { a: a.id, b: b.id });
  await waitForFile(signal);
  const mark = b.received.length;
  a.emit("room-emit", "r1", "still", "works");
  assert.deepEqual(await next(b, "still", () => true, 10000, mark), ["works"]);
  assert.deepEqual(await a.emitWithAck("fetch-ids"), sorted([a.id, b.id]));
  b.on("q", (payload, cb) => cb(payload));
  assert.deepEqual(await a.emitWithAck("broadcast-ack", "q", 7), { timedOut: false, responses: [7] });
  // Nothing the garbage claimed to be reached a client.
  for (const socket of [a, b]) {
    const unexpected = socket.received.filter((r) => !["welcome", "still", "q"].includes(r.event));
    assert.deepEqual(unexpected, [], `${socket.label} received ${JSON.stringify(unexpected)}`);
    assert.deepEqual(socket.disconnects, []);
  }
  out("step", { name: "served after malformed messages" });
}

async function emitter([urlA, urlB, signal]) {
  const a = await connect(urlA, "a");
  const b = await connect(urlB, "b");
  const c = await connect(urlB, "c");
  await a.emitWithAck("join", "lobby");
  await b.emitWithAck("join", "lobby");
  await c.emitWithAck("join", "vip");
  out("ready", { a: a.id, b: b.id, c: c.id });
  await waitForFile(signal);
  // The test's emitter sent: echo("lobby", 1, <bytes 7,8>) to lobby except vip; echo("all") to everyone; socketsJoin
  // "late" for the lobby; a server-side emit "cluster-hello" ("from-emitter", "worker"); then it disconnected vip.
  for (const socket of [a, b]) {
    const [text, n, bytes] = await next(socket, "echo", (args) => args[0] === "lobby");
    assert.deepEqual([text, n, [...bytes]], ["lobby", 1, [7, 8]]);
  }
  for (const socket of [a, b, c]) await next(socket, "echo", (args) => args[0] === "all");
  for (const socket of [a, b, c]) {
    const [payload, origin, node] = await next(socket, "cluster-hello");
    assert.deepEqual([payload, origin], ["from-emitter", "worker"]);
    assert.equal(typeof node, "string");
  }
  await new Promise((resolve) => (c.connected ? c.once("disconnect", resolve) : resolve()));
  await eventually("a and b joined 'late'", async () => (await rooms(a)).includes("late") && (await rooms(b)).includes("late"));
  assert.deepEqual(c.disconnects, ["io server disconnect"]);
  assert.ok(!c.received.some((r) => r.event === "echo" && r.args[0] === "lobby"), "c is in vip only");
  assert.ok(a.connected && b.connected);
  out("step", { name: "emitter" });
}

const scenarios = { cross, restart, "dead-node": deadNode, malformed, emitter };
if (!scenarios[scenario]) fail(`unknown scenario ${scenario}`);
await scenarios[scenario](args);
out("done");
for (const socket of clients) socket.close();
process.exit(0);
