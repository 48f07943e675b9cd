// One cross-node operation on a two-node cluster (FIXTURE.md, "Cluster options"), driven with the real
// socket.io-client: the operation is started by a client of the origin node and observed on clients of the target
// node (and of the origin node where the operation concerns them). For the tests in
// tests/TypedIo.Redis.Tests/Interop/CrossNodeTests.cs, which run the same scenarios on Node-only, mixed and
// TypedIo-only clusters.
//
//   node cluster/cross-node.mjs <origin-url> <target-url> <scenario> [options-json]
//
//   scenario  room-emit | broadcast | disconnect-me | fetch-ids | all-rooms | sockets-join-leave | join-then-emit |
//             disconnect-room |
//             broadcast-ack | broadcast-ack-timeout | server-emit | ask-nodes | count
//   options   {"mode": "websocket"|"polling"|"upgrade", "timeoutMs": 30000}
//
// Prints {"event":"result", ...what was observed} then {"event":"done"} (exit 0), or {"event":"error"} (exit 1).
// Checks that need "did NOT receive" use a marker sent after the operation over the same path: Redis delivers one
// publisher's messages in order, so a marker seen first means the earlier message never came.
import { connect, describe, fail, finish, guard, until } from "./cluster-client.mjs";

const [originUrl, targetUrl, scenario, optionsJson = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const mode = options.mode ?? "websocket";
guard(options.timeoutMs ?? 30000);
if (!originUrl || !targetUrl || !scenario) fail("usage: cross-node.mjs <origin-url> <target-url> <scenario> [options-json]");

const unique = `${scenario}-${process.pid}-${Date.now().toString(36)}`;
// Strings, ints of several msgpack widths (negative too), a float, nested maps and arrays, and binary.
const payload = {
  text: "héllo ✓",
  small: 7,
  negative: -129,
  wide: 70000,
  huge: 4294967296,
  float: 1.5,
  nested: { list: [1, "two", null, true, { deep: [false] }] },
  bin: Buffer.from([0, 1, 2, 254, 255]),
};

// serverSideEmit goes through JSON in Node's pub/sub adapter (binary would arrive as {"type":"Buffer",...}).
const { bin: _bin, ...plainPayload } = payload;

const onOrigin = (name) => connect(name, originUrl, { mode });
const onTarget = (name) => connect(name, targetUrl, { mode });
const sameSet = (a, b) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
const roomsOf = (client) => client.call("leave", `probe-${unique}`);

/**
 * Waits until a room emit from `sender` reaches `member` on the other node. With the sharded adapter a node subscribes
 * a room's channel when the room gets its first member there, without waiting for Redis (Node's and TypedIo's alike),
 * so an emit right after an acknowledged join can still miss that node (docs/scale-out.md, "The sharded adapter").
 */
const roomReaches = (sender, room, member) =>
  until(
    `room ${room} reaches ${member.name}`,
    () => {
      sender.socket.emit("room-emit", room, "room-probe");
      return member.first(["room-probe"], 250).then(() => true, () => false);
    },
    (reached) => reached,
  );

/** Waits until the cluster holds exactly these sockets (earlier tests' clients may still be leaving). */
const quiesce = (asker, clients) =>
  until("cluster sockets", () => asker.call("fetch-ids"), (ids) => sameSet(ids, clients.map((c) => c.id)));

const scenarios = {
  async "room-emit"() {
    const room = `room-${unique}`;
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    await Promise.all([a2.call("join", room), b1.call("join", room)]);
    await roomReaches(a1, room, b1);
    a1.socket.emit("room-emit", room, "hello", payload, "second");
    // A socket id is a room too, across nodes.
    a1.socket.emit("room-emit", b2.id, "direct", 1);
    a1.socket.emit("room-emit", a1.id, "marker");
    return {
      target: describe(await b1.next("hello")),
      originMember: describe(await a2.next("hello")),
      targetOther: (await b2.first(["hello", "direct"])).event,
      sender: (await a1.first(["hello", "marker"])).event,
    };
  },

  async broadcast() {
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    a1.socket.emit("broadcast", "news", payload);
    const received = {
      target1: describe(await b1.next("news")),
      target2: describe(await b2.next("news")),
      origin: describe(await a2.next("news")),
    };
    a2.socket.emit("broadcast", "end");
    received.sender = (await a1.first(["news", "end"])).event;
    return received;
  },

  async "disconnect-me"() {
    const [a1, b1] = await Promise.all([onOrigin("a1"), onTarget("b1")]);
    const before = await quiesce(b1, [a1, b1]);
    const a1Id = a1.id;
    a1.socket.emit("disconnect-me");
    const [reason] = await a1.next("disconnect");
    const after = await until("a1 gone", () => b1.call("fetch-ids"), (ids) => !ids.includes(a1Id));
    return { before, reason, after, expectedBefore: [a1Id, b1.id].sort(), expectedAfter: [b1.id] };
  },

  async "fetch-ids"() {
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    const all = [a1, a2, b1, b2];
    await quiesce(b1, all);
    return { ids: await a1.call("fetch-ids"), expected: all.map((c) => c.id).sort() };
  },

  async "all-rooms"() {
    const [a1, b1] = await Promise.all([onOrigin("a1"), onTarget("b1")]);
    await Promise.all([a1.call("join", `origin-${unique}`), b1.call("join", `target-${unique}`)]);
    await quiesce(a1, [a1, b1]);
    return {
      rooms: await a1.call("all-rooms"),
      expected: [a1.id, b1.id, `origin-${unique}`, `target-${unique}`].sort(),
    };
  },

  async "sockets-join-leave"() {
    const room = `joined-${unique}`;
    const [a1, b1] = await Promise.all([onOrigin("a1"), onTarget("b1")]);
    const joinAck = await a1.call("sockets-join", room);
    const targetJoined = await until("b1 joined", () => roomsOf(b1), (rooms) => rooms.includes(room));
    // "requested", as FIXTURE.md says: Node's ClusterAdapter (sharded) joins its own sockets only after its publish.
    const originJoined = await until("a1 joined", () => roomsOf(a1), (rooms) => rooms.includes(room));
    await roomReaches(a1, room, b1);
    a1.socket.emit("room-emit", room, "in-room", 1);
    const delivered = describe(await b1.next("in-room"));
    const leaveAck = await b1.call("sockets-leave", room);
    const originLeft = await until("a1 left", () => roomsOf(a1), (rooms) => !rooms.includes(room));
    const targetLeft = await until("b1 left", () => roomsOf(b1), (rooms) => !rooms.includes(room));
    return { joinAck, leaveAck, targetJoined, originJoined, delivered, originLeft, targetLeft, room, a1: a1.id, b1: b1.id };
  },

  async "join-then-emit"() {
    // socketsJoin then at once a broadcast to that room: a node handles what one publisher sent in Redis's order
    // (Node's adapter does), so the room exists on the other node when the broadcast comes.
    const room = `fresh-${unique}`;
    const [a1, b1] = await Promise.all([onOrigin("a1"), onTarget("b1")]);
    a1.socket.emit("sockets-join", room);
    a1.socket.emit("room-emit", room, "in-fresh-room", 1);
    a1.socket.emit("room-emit", b1.id, "marker");
    return { first: (await b1.first(["in-fresh-room", "marker"])).event };
  },

  async "disconnect-room"() {
    const room = `doomed-${unique}`;
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    await Promise.all([a2.call("join", room), b1.call("join", room)]);
    const ack = await a1.call("disconnect-room", room);
    const [targetReason] = await b1.next("disconnect");
    const [originReason] = await a2.next("disconnect");
    // The others stay connected and served.
    return { ack, targetReason, originReason, targetOtherCount: await b2.call("count"), senderConnected: a1.socket.connected };
  },

  async "broadcast-ack"() {
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    for (const c of [a2, b1, b2]) c.answer = (event, args) => ({ from: c.name, event, small: args[0].small, bin: args[0].bin.byteLength });
    await quiesce(a1, [a1, a2, b1, b2]);
    return { reply: await a1.call("broadcast-ack", "question", payload) };
  },

  async "broadcast-ack-timeout"() {
    const [a1, a2, b1, b2] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1"), onTarget("b2")]);
    // b2 never answers.
    for (const c of [a2, b1]) c.answer = () => c.name;
    await quiesce(a1, [a1, a2, b1, b2]);
    const started = performance.now();
    const reply = await a1.call("broadcast-ack", "question", 1);
    return { reply, elapsedMs: Math.round(performance.now() - started), silentGotIt: b2.has("question") };
  },

  async "server-emit"() {
    const [a1, a2, b1] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1")]);
    const [originName, targetName] = await Promise.all([a1.call("node"), b1.call("node")]);
    const ack = await a1.call("server-emit", plainPayload);
    const target = describe(await b1.next("cluster-hello"));
    // The other way: the origin node's clients get only this one (serverSideEmit never reaches its own node).
    await b1.call("server-emit", "back");
    const origin = describe(await a1.next("cluster-hello"));
    const originOther = describe(await a2.next("cluster-hello"));
    return { ack, target, origin, originOther, originName, targetName };
  },

  async "ask-nodes"() {
    const [a1, b1] = await Promise.all([onOrigin("a1"), onTarget("b1")]);
    const [originName, targetName] = await Promise.all([a1.call("node"), b1.call("node")]);
    return { reply: await a1.call("ask-nodes", plainPayload), back: await b1.call("ask-nodes", 1), originName, targetName };
  },

  async count() {
    const [a1, a2, b1] = await Promise.all([onOrigin("a1"), onOrigin("a2"), onTarget("b1")]);
    await quiesce(a1, [a1, a2, b1]);
    return { origin: await a1.call("count"), target: await b1.call("count") };
  },
};

const run = scenarios[scenario];
if (!run) fail(`unknown scenario '${scenario}'`);
try {
  await finish(await run());
} catch (err) {
  fail(err?.stack ?? String(err));
}
