// Connection state recovery on the fixture (FIXTURE.md, "--recovery"), with the real socket.io-client 4.8.1.
//
//   node cluster/recovery.mjs <receiverUrl> <senderUrl> <mode>
//
// A receiver and a witness on the receiver's node join room "r"; the receiver's transport is closed; a sender (on
// the same node or another node of the cluster) emits room-emit "r" item 1..5; once the witness has them all, the
// receiver reconnects (same Manager: it presents its pid and last offset; a socket that was not recovered joins "r"
// again), then the sender emits item 6.
// Prints {"event":"result","recovered":bool,"sameId":bool,"items":[n...],"offsets":[every trailing argument's type],
// "welcomeOffset":type} and exits 0; {"event":"error",...} and exit 1 otherwise.
import { connect, fail, finish, guard, until } from "./cluster-client.mjs";

// Engine.IO error code of a request for a session the server no longer has ("Session ID unknown").
const UNKNOWN_SID = 1;

const [receiverUrl, senderUrl, mode = "websocket"] = process.argv.slice(2);
guard(60000);

try {
  const receiver = await connect("receiver", receiverUrl, { mode });
  await receiver.next("connect"); // the first connection's, queued before its welcome
  const welcomeOffset = typeof receiver.welcome[1];
  const witness = await connect("witness", receiverUrl, { mode });
  await receiver.call("join", "r");
  await witness.call("join", "r");
  const sender = await connect("sender", senderUrl, { mode });
  const id = receiver.id;

  const engineId = receiver.socket.io.engine.id;
  receiver.socket.io.engine.close();
  await receiver.next("disconnect");
  // The client's side of the close is immediate; wait until the receiver's node has ended the old Engine.IO session
  // too (its socket session is persisted by then), so that on a loaded machine the reconnect cannot overtake the close.
  const oldSession = new URL(`socket.io/?EIO=4&transport=polling&sid=${engineId}`, receiverUrl.replace(/\/*$/, "/"));
  await until("the receiver's node to end its old session", async () => {
    const response = await fetch(oldSession, { method: "POST", body: "6" }); // a noop, if the session still lives
    return response.status === 400 ? (await response.json()).code : response.status;
  }, (code) => code === UNKNOWN_SID);
  for (let n = 1; n <= 5; n++) sender.socket.emit("room-emit", "r", "item", n);
  for (let n = 1; n <= 5; n++) {
    const [got] = await witness.next("item");
    if (got !== n) throw new Error(`witness got ${got}, expected ${n}`);
  }

  receiver.socket.connect();
  await receiver.next("connect");
  const recovered = receiver.socket.recovered === true;
  const sameId = receiver.id === id;
  if (!recovered) await receiver.call("join", "r"); // a new socket: in no room yet
  sender.socket.emit("room-emit", "r", "item", 6);
  await witness.next("item");

  const items = [];
  const offsets = [];
  for (;;) {
    const [n, offset] = await receiver.next("item");
    items.push(n);
    offsets.push(typeof offset);
    if (n === 6) break;
  }
  await finish({ recovered, sameId, items, offsets, welcomeOffset });
} catch (err) {
  fail(err?.stack ?? String(err));
}
