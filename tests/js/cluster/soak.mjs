// The reliability soak of a streams cluster with connection state recovery (tests/TypedIo.Redis.Tests/Soak): a few
// hundred real socket.io-client sockets on three nodes, numbered broadcasts and acks at a steady rate, and mid-run a
// node killed, a Redis restart and clients that lose their transport and come back on another node. Counts what every
// client got against what was acknowledged and prints the figures.
//
//   node cluster/soak.mjs '<config json>'
//
// Config: {
//   nodes: [{name, url, kind: "typedio"|"node", role: "sender"|"killed"}, ...]  (senders sit on nodes that survive)
//   clients, sendersPerNode, rate (broadcasts a second per sender), seconds, movers (per move direction),
//   drainSeconds, faults (false: load only, for the warm-up)
// }
//
// What "acknowledged" means: a sender emits `broadcast("m", s, seq)` and right after it `ack({s, seq})` on the same
// socket; both servers start a socket's event handlers in arrival order and hand the broadcast to the adapter
// synchronously in its handler, so when the ack's reply is back, the sending node has taken the broadcast (published
// it, or queued it while Redis is down). Every acknowledged message must then reach, exactly once and in order per
// sender, every client except its sender that was connected the whole time or recovered, and every client that
// reconnected without recovery from its new connection on (messages emitted after its new welcome). Counted apart:
// a message its node acknowledged but never wrote to the stream (see `delivered` below: `notWritten`), a message that
// came under two stream entries (written twice: `writtenTwice`), and the clients that moved from or to Node's node
// (category `recovered:node->typedio` or `recovered:typedio->node`; the test says why).
//
// Events for the test (stdout, one JSON line each): "started" {pid}; "connected"; "moved-1"; "kill-node" {node}:
// the test kills that node's process (SIGKILL); "reconnected"; "redis-stop": the test stops Redis, keeps it down a
// few seconds, starts it again and then sends this script SIGUSR2; "moved-2"; "stopped" (senders stopped);
// "drained"; "result" {...figures}; "done".
import { Manager } from "socket.io-client";
import { Client, connect, fail, finish, guard, print, until } from "./cluster-client.mjs";

const config = JSON.parse(process.argv[2] ?? "null");
if (!config?.nodes?.length) fail("usage: soak.mjs '<config json>'");
const {
  nodes,
  clients: clientCount = 300,
  sendersPerNode = 2,
  rate = 5,
  seconds = 60,
  movers: moversPerDirection = 4,
  drainSeconds = 60,
  faults = true,
} = config;
guard((seconds + drainSeconds + 180) * 1000);

const startedAt = performance.now();
const now = () => performance.now() - startedAt;
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const senderNodes = nodes.filter((n) => n.role === "sender");
const killedNode = nodes.find((n) => n.role === "killed");
// Every receiver is checked against what every sender had acknowledged; senders are receivers of the others too.
const senders = [];
const receivers = [];

// With recovery on, a broadcast read from the stream carries its entry id as offset. One delivered without offset
// was never written to the stream: its node's XADD failed, and the node gave it to its own clients only (what Node's
// cluster adapter does when publishing fails; TypedIo's does it for an entry dropped from a full buffer).
const delivered = { withoutOffset: new Set(), offsets: new Map(), writtenTwice: new Map() };

let redisBackAt = null;
process.on("SIGUSR2", () => {
  redisBackAt = now();
});
print("started", { pid: process.pid });

/**
 * One client as the soak follows it across its connections: every `m` it got, per sender the last number, and what
 * it is checked against (category, and from when on a loss counts).
 */
class Receiver {
  constructor(name, node, senderIndex = -1) {
    this.name = name;
    this.node = node;
    this.startNode = node;
    this.senderIndex = senderIndex;
    this.category = "steady";
    this.checkFrom = 0;
    this.counts = new Map();
    this.last = [];
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.anomalies = [];
    this.history = [];
    this.offsetOf = new Map();
    this.writtenTwice = 0;
  }

  attach(socket) {
    this.socket = socket;
    const connection = this.history.length;
    socket.on("m", (s, seq, offset) => this.record(s, seq, offset, connection));
  }

  record(s, seq, offset, connection) {
    const key = s * 1_000_000 + seq;
    if (typeof offset !== "string") delivered.withoutOffset.add(key);
    else if (!delivered.offsets.has(key)) delivered.offsets.set(key, offset);
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    const last = this.last[s] ?? -1;
    if (count === 1) this.offsetOf.set(key, offset);
    // The same message again under another stream entry: its node wrote it twice (an XADD retried after its answer
    // was lost with Redis), not a delivery twice of one entry.
    else if (typeof offset === "string" && typeof this.offsetOf.get(key) === "string" && offset !== this.offsetOf.get(key)) {
      this.writtenTwice++;
      delivered.writtenTwice.set(key, [this.offsetOf.get(key), offset]);
      return;
    }
    if (count > 1) this.duplicates++;
    else if (seq <= last) this.outOfOrder++;
    if (seq <= last && this.anomalies.length < 5)
      this.anomalies.push({ s, seq, last, offset, connection, count, at: Math.round(now()) });
    if (seq > last) this.last[s] = seq;
  }

  got(s, seq) {
    return this.counts.get(s * 1_000_000 + seq) ?? 0;
  }
}

/** A sender: numbered broadcasts and an ack after each, at `rate` a second, from a random phase. */
class Sender {
  constructor(index, node, receiver) {
    this.index = index;
    this.node = node;
    this.receiver = receiver;
    this.emittedAt = [];
    this.acked = [];
    this.ackFailures = 0;
    this.next = 0;
  }

  start() {
    const interval = 1000 / rate;
    // Senders do not tick together: entries of one burst would sit unread in the stream a little longer.
    this.timer = setTimeout(() => {
      this.send();
      this.timer = setInterval(() => this.send(), interval);
    }, Math.random() * interval);
  }

  stop() {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  send() {
    const seq = this.next++;
    const socket = this.receiver.socket;
    this.emittedAt[seq] = now();
    socket.emit("broadcast", "m", this.index, seq);
    socket
      .timeout(15000)
      .emitWithAck("ack", { s: this.index, seq })
      .then(
        (reply) => {
          if (reply?.s === this.index && reply?.seq === seq) this.acked[seq] = true;
          else this.ackFailures++;
        },
        () => this.ackFailures++,
      );
  }

  /** The last acknowledged number emitted after `from` (ms) and written to the stream, or -1. */
  lastAckedAfter(from) {
    for (let seq = this.next - 1; seq >= 0; seq--) {
      if (this.emittedAt[seq] <= from) return -1;
      if (this.acked[seq] && !delivered.withoutOffset.has(this.index * 1_000_000 + seq)) return seq;
    }
    return -1;
  }
}

// --- Connect: senders on the surviving nodes, receivers spread over all nodes. ---
// Client keeps every event it gets for later waits; the soak's `m` are counted by their Receiver instead.
const quiet = (client) => {
  const push = client.push.bind(client);
  client.push = (event, args) => {
    if (event !== "m") push(event, args);
  };
  return client;
};

const attachNew = async (receiver, url, name) => {
  const client = quiet(await connect(name, url));
  receiver.attach(client.socket);
  receiver.history.push({ node: receiver.node.name, id: client.id, at: Math.round(now()) });
  return client;
};

for (const node of senderNodes) {
  for (let i = 0; i < sendersPerNode; i++) {
    const index = senders.length;
    const receiver = new Receiver(`sender-${index}`, node, index);
    const client = await attachNew(receiver, node.url, receiver.name);
    // A hub event with an ack: its reply means the node is done connecting the socket (its OnConnected ran).
    await client.call("join", "senders");
    receivers.push(receiver);
    senders.push(new Sender(index, node, receiver));
  }
}
const plain = [];
for (let i = 0; i < clientCount; i++) plain.push(new Receiver(`c${i}`, nodes[i % nodes.length]));
for (let i = 0; i < plain.length; i += 50)
  await Promise.all(plain.slice(i, i + 50).map((r) => attachNew(r, r.node.url, r.name)));
receivers.push(...plain);
// A client that only asks the cluster which sockets it has (on a node that survives).
const probe = quiet(await connect("probe", senderNodes[0].url));
print("connected", { clients: receivers.length, senders: senders.length });

for (const sender of senders) sender.start();

// --- Moves: a client loses its transport and comes back on another node with its private id and last offset. ---
const isMover = (r) => r.category.startsWith("recovered:");
const movedOnNode = (kind) => receivers.filter((r) => isMover(r) && r.node.kind === kind);

async function move(pairs) {
  const moving = [];
  for (const [from, to] of pairs) {
    const candidates = plain.filter((r) => r.category === "steady" && r.node === from && !moving.some((m) => m.receiver === r));
    for (const receiver of candidates.slice(0, moversPerDirection)) moving.push({ receiver, to });
  }
  for (const m of moving) {
    m.pid = m.receiver.socket._pid;
    m.offset = m.receiver.socket._lastOffset;
    m.id = m.receiver.socket.id;
    m.receiver.socket.io.engine.close();
  }
  // The old node persists a session when its socket closes; once the socket is gone from the cluster, it is stored.
  const ids = moving.map((m) => m.id);
  await until("the movers gone from the cluster", () => probe.call("fetch-ids"), (all) => ids.every((id) => !all.includes(id)), 30000);
  // Away while a few messages are sent: they are missed and must be replayed.
  const away = senders.map((s) => s.next + 2 * rate);
  await until("messages sent while away", async () => senders.map((s) => s.next), (next) => next.every((n, i) => n >= away[i]), 30000);
  await Promise.all(
    moving.map(async (m) => {
      const manager = new Manager(m.to.url, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 10000 });
      const socket = manager.socket("/", { autoConnect: false });
      socket._pid = m.pid;
      socket._lastOffset = m.offset;
      const client = quiet(new Client(m.receiver.name, socket));
      m.receiver.attach(socket);
      socket.connect();
      const { event, args } = await client.first(["welcome", "connect_error"]);
      if (event === "connect_error") throw new Error(`${m.receiver.name}: connect_error ${args[0]} on ${m.to.name}`);
      m.receiver.category = `recovered:${m.receiver.node.kind}->${m.to.kind}`;
      m.receiver.node = m.to;
      m.receiver.recovered = socket.recovered === true;
      m.receiver.sameId = socket.id === m.id;
      m.receiver.history.push({ node: m.to.name, id: socket.id, recovered: socket.recovered, at: Math.round(now()) });
    }),
  );
  return moving.length;
}

const untilTime = (fraction) => until(`time ${fraction}`, async () => now(), (t) => t >= fraction * seconds * 1000, seconds * 1000 + 60000);
const phases = {};

if (faults) {
  const survivors = nodes.filter((n) => n !== killedNode);
  // Wave 1: every node's clients move to each other node that survives (the killed node's too, before its end).
  await untilTime(0.15);
  const wave1 = [];
  for (const from of nodes) for (const to of survivors) if (from !== to) wave1.push([from, to]);
  phases.moved1 = await move(wave1);
  print("moved-1", { movers: phases.moved1 });

  // The node is killed; its clients come back on the survivors, with their private id and offset, as new sessions.
  await untilTime(0.3);
  const orphans = receivers.filter((r) => r.node === killedNode);
  print("kill-node", { node: killedNode.name });
  await until("the killed node's clients disconnected", async () => orphans.filter((r) => r.socket.connected).length, (n) => n === 0, 30000);
  const killedAt = now();
  await Promise.all(
    orphans.map(async (r, i) => {
      const to = survivors[i % survivors.length];
      const manager = new Manager(to.url, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 10000 });
      const socket = manager.socket("/", { autoConnect: false });
      socket._pid = r.socket._pid;
      socket._lastOffset = r.socket._lastOffset;
      const client = quiet(new Client(r.name, socket));
      r.attach(socket);
      socket.connect();
      const { event, args } = await client.first(["welcome", "connect_error"]);
      if (event === "connect_error") throw new Error(`${r.name}: connect_error ${args[0]} on ${to.name}`);
      r.node = to;
      r.category = "reconnected";
      r.recovered = socket.recovered === true;
      r.checkFrom = now();
      r.history.push({ node: to.name, id: socket.id, recovered: socket.recovered, at: Math.round(r.checkFrom) });
    }),
  );
  phases.reconnected = orphans.length;
  phases.killToReconnectedMs = Math.round(now() - killedAt);
  print("reconnected", { clients: orphans.length });

  // Redis: the test stops it, keeps it down, starts it again (empty) and says so with SIGUSR2.
  await untilTime(0.5);
  const stopAt = now();
  phases.redisStopAskedAt = { ms: Math.round(stopAt), unixMs: Date.now() };
  print("redis-stop");
  await until("Redis back (SIGUSR2 from the test)", async () => redisBackAt, (t) => t !== null, 120000);
  phases.redisDownMs = Math.round(redisBackAt - stopAt);
  phases.redisBackAt = { ms: Math.round(redisBackAt), unixMs: Math.round(Date.now() - (now() - redisBackAt)) };

  // Wave 2, between the survivors, once every mover's last offset is in the new stream: it got a message emitted
  // after Redis was back.
  await untilTime(0.7);
  const wave2 = [];
  for (const from of survivors) for (const to of survivors) if (from !== to) wave2.push([from, to]);
  const firstAfter = senders.map((s) => s.emittedAt.findIndex((t) => t > redisBackAt));
  await until(
    "a message from after the restart at every client",
    async () => survivors.flatMap((n) => plain.filter((r) => r.node === n && r.category === "steady")),
    (list) => list.every((r) => senders.some((s, i) => s.index !== r.senderIndex && firstAfter[i] >= 0 && (r.last[s.index] ?? -1) >= firstAfter[i])),
    60000,
  );
  phases.moved2 = await move(wave2);
  print("moved-2", { movers: phases.moved2 });
}

await untilTime(1);
for (const sender of senders) sender.stop();
const sent = senders.reduce((n, s) => n + s.next, 0);
// Acks still on their way are waited for (a few ms, or up to their timeout).
await until("every ack answered", async () => senders.reduce((n, s) => n + s.acked.filter(Boolean).length + s.ackFailures, 0), (n) => n >= sent, 20000);
print("stopped", { sent });

// --- Drain: every checked client has the last acknowledged message of every other sender (or the time is up). ---
const drainStart = now();
const drained = () =>
  receivers.every((r) =>
    senders.every((s) => {
      if (s.index === r.senderIndex) return true;
      const last = s.lastAckedAfter(r.checkFrom);
      return last < 0 || r.got(s.index, last) > 0;
    }),
  );
while (!drained() && now() - drainStart < drainSeconds * 1000) await wait(50);
phases.drainMs = Math.round(now() - drainStart);
print("drained", { complete: drained() });

// --- Figures. ---
const categories = {};
const failures = [];
const lostBySender = {};
for (const r of receivers) {
  const key = isMover(r) ? r.category : `${r.category}@${r.node.kind}`;
  const c = (categories[key] ??= { clients: 0, expected: 0, delivered: 0, lost: 0, duplicates: 0, outOfOrder: 0, writtenTwice: 0, extra: 0, recovered: 0, sameId: 0 });
  c.writtenTwice += r.writtenTwice;
  c.clients++;
  if (r.recovered) c.recovered++;
  if (r.sameId) c.sameId++;
  c.duplicates += r.duplicates;
  c.outOfOrder += r.outOfOrder;
  for (const s of senders) {
    if (s.index === r.senderIndex) continue;
    for (let seq = 0; seq < s.next; seq++) {
      const got = r.got(s.index, seq);
      const written = !delivered.withoutOffset.has(s.index * 1_000_000 + seq);
      const expected = s.acked[seq] === true && written && s.emittedAt[seq] > r.checkFrom;
      if (!expected) {
        if (got > 0) c.extra++;
        continue;
      }
      c.expected++;
      if (got > 0) c.delivered++;
      else {
        c.lost++;
        const by = `${s.node.name}->${key}`;
        lostBySender[by] = (lostBySender[by] ?? 0) + 1;
        if (failures.length < 30)
          failures.push({ client: r.name, category: key, sender: s.index, senderNode: s.node.name, seq, emittedAt: Math.round(s.emittedAt[seq]), offsetElsewhere: delivered.offsets.get(s.index * 1_000_000 + seq) ?? null, history: r.history });
      }
    }
  }
  if ((r.duplicates > 0 || r.outOfOrder > 0) && failures.length < 30)
    failures.push({ client: r.name, category: key, duplicates: r.duplicates, outOfOrder: r.outOfOrder, history: r.history, anomalies: r.anomalies });
}
const msOf = (offset) => Number(offset.split("-")[0]);
const sum = (field) => Object.values(categories).reduce((n, c) => n + c[field], 0);
await finish({
  clients: receivers.length,
  senders: senders.length,
  sent,
  acknowledged: senders.reduce((n, s) => n + s.acked.filter(Boolean).length, 0),
  ackFailures: senders.reduce((n, s) => n + s.ackFailures, 0),
  sentBy: Object.fromEntries(senderNodes.map((n) => [n.name, senders.filter((s) => s.node === n).reduce((k, s) => k + s.next, 0)])),
  expected: sum("expected"),
  delivered: sum("delivered"),
  lost: sum("lost"),
  duplicates: sum("duplicates"),
  outOfOrder: sum("outOfOrder"),
  recovered: receivers.filter((r) => isMover(r) && r.recovered).length,
  movers: receivers.filter(isMover).length,
  recoveredOnTypedIo: movedOnNode("typedio").filter((r) => r.recovered && r.sameId).length,
  moversToTypedIo: movedOnNode("typedio").length,
  recoveredOnNode: movedOnNode("node").filter((r) => r.recovered && r.sameId).length,
  moversToNode: movedOnNode("node").length,
  reconnectedWithoutRecovery: receivers.filter((r) => r.category === "reconnected" && !r.recovered).length,
  reconnected: receivers.filter((r) => r.category === "reconnected").length,
  categories,
  lostBySender,
  // Messages that reached clients under two stream entries, with the entries' ids; and how many of them were not
  // written once before Redis went down and once after it was back (the only way an XADD is retried).
  writtenTwice: [...delivered.writtenTwice].map(([key, offsets]) => ({ sender: Math.floor(key / 1_000_000), seq: key % 1_000_000, offsets })),
  writtenTwiceNotAtTheRestart: [...delivered.writtenTwice.values()].filter(
    ([first, second]) => !(phases.redisStopAskedAt && msOf(first) < phases.redisBackAt.unixMs && msOf(second) >= phases.redisStopAskedAt.unixMs),
  ).length,
  // Acknowledged by their node, never written to the stream (delivered there without offset), per sending node.
  notWritten: Object.fromEntries(
    senderNodes.map((n) => [n.name, senders.filter((s) => s.node === n).reduce((k, s) => k + s.acked.filter((a, seq) => a && delivered.withoutOffset.has(s.index * 1_000_000 + seq)).length, 0)]),
  ),
  phases,
  seconds: Math.round(now() / 100) / 10,
  failures,
});
