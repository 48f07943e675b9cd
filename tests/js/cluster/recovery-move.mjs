// Connection state recovery across nodes: a client loses its transport on one node and comes back on another, which
// must restore its session (same id, rooms) and replay every packet it missed, exactly once, in order. For
// tests/TypedIo.Redis.Tests/Streams/StreamsRecoveryTests.cs; both nodes run the streams adapter with --recovery.
//
//   node cluster/recovery-move.mjs <from-url> <to-url> [steps|continuous]
//
// steps (default): 5 packets live, 5 while away, 5 after the return, then a closing one (0..15).
// continuous: a packet every 5 ms from start to end, through the disconnect and the return, so the return races the
// packets in flight; the closing one follows the last.
//
// The moving client is a real socket.io-client socket; to reconnect to the other node, a new socket on a Manager for
// that node is given the old socket's private session id and last offset (what the client's own reconnection sends
// in its CONNECT payload), since one Manager only reconnects to its own address.
// Prints {"event":"result", ...} with what the moving client got.
import { Manager } from "socket.io-client";
import { Client, connect, fail, finish, guard, until } from "./cluster-client.mjs";

const [fromUrl, toUrl, mode = "steps"] = process.argv.slice(2);
if (!fromUrl || !toUrl) fail("usage: recovery-move.mjs <from-url> <to-url>");
guard(60000);

const unique = `${process.pid}-${Date.now().toString(36)}`;
const room = `r-${unique}`;
const elsewhere = `other-${unique}`;

const sender = await connect("sender", fromUrl);
const mover = await connect("mover", fromUrl);
// The welcome is stored too: it carries an offset, which the client keeps as its last one.
const welcomeOffset = mover.socket._lastOffset;
await mover.call("join", room);
const firstId = mover.id;
const received = [];
const offsets = [];
const record = (i, offset) => {
  received.push(i);
  offsets.push(offset);
};
mover.socket.on("m", record);

const emitRange = (from, to) => {
  for (let i = from; i < to; i++) {
    sender.socket.emit("room-emit", room, "m", i);
    // Meant for a room the mover is not in, and not sent to everyone: never replayed to it.
    sender.socket.emit("room-emit", elsewhere, "m", 1000 + i);
  }
};

let next = 0;
const emitNext = () => emitRange(next, ++next);
const ticker = mode === "continuous" ? setInterval(emitNext, 5) : undefined;
const emitOrWait = async (count) => {
  const target = next + count;
  if (ticker) await until("packets sent", async () => next, (n) => n >= target, 30000);
  else while (next < target) emitNext();
};

// Live, on the first node.
await emitOrWait(5);
await until("live packets", async () => received.length, (n) => n >= 5);

// The transport dies; the server keeps the session.
const pid = mover.socket._pid;
const lastOffset = mover.socket._lastOffset;
mover.socket.io.engine.close();
await until("the mover gone from the cluster", () => sender.call("fetch-ids"), (ids) => !ids.includes(firstId));

// Missed while away.
await emitOrWait(5);
const fence = `fence-${unique}`;
sender.socket.emit("room-emit", sender.id, fence);
await sender.next(fence);

// Back, on the other node.
const manager = new Manager(toUrl, {
  transports: ["websocket"],
  reconnection: false,
  forceNew: true,
  timeout: 10000,
});
const socket = manager.socket("/", { autoConnect: false });
socket._pid = pid;
socket._lastOffset = lastOffset;
const moved = new Client("moved", socket);
socket.on("m", record);
socket.connect();
const { event, args } = await moved.first(["welcome", "connect_error"]);
if (event === "connect_error") fail(`moved: connect_error ${args[0]}`);

// Live again, now reaching the other node through the stream.
await emitOrWait(5);
if (ticker) {
  await until("packets after the return", async () => received.length, (n) => n >= next - 5, 30000);
  clearInterval(ticker);
}
// A packet after the last one, through the same path: anything duplicated or late would come before it.
const closing = next;
sender.socket.emit("room-emit", room, "m", closing);
await until("the closing packet", async () => received.includes(closing), (done) => done);

await finish({
  recovered: socket.recovered,
  sameId: socket.id === firstId,
  rooms: await moved.call("leave", `probe-${unique}`),
  room,
  firstId,
  received,
  closing,
  offsetsAreStrings: offsets.every((o) => typeof o === "string"),
  welcomeOffset: welcomeOffset ?? null,
  lastOffset: lastOffset ?? null,
});
