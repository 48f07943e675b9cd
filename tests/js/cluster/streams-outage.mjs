// Broadcasts numbered events through a streams cluster while the test stops and restarts Redis, and reports what
// each receiver got. For tests/TypedIo.Redis.Tests/Streams/StreamsOutageTests.cs.
//
//   node cluster/streams-outage.mjs <sender-url> <receiver-url> <count> <interval-ms>
//
// A sender on the first node emits `broadcast("n", i)` for i = 0..count-1, one every interval-ms; a client on the
// same node and one on the other node record every `n`. Prints {"event":"sent-N"} after each hundredth send (the test
// stops Redis and starts it again on these), then waits until both receivers have the last number (or 60 s) and
// prints {"event":"result","local":[...],"remote":[...]}.
import { connect, fail, finish, guard } from "./cluster-client.mjs";

const [senderUrl, receiverUrl, countText, intervalText] = process.argv.slice(2);
if (!senderUrl || !receiverUrl || !countText) fail("usage: streams-outage.mjs <sender-url> <receiver-url> <count> <interval-ms>");
const count = Number(countText);
const interval = Number(intervalText ?? "10");
guard(120000);

const [sender, local, remote] = await Promise.all([
  connect("sender", senderUrl),
  connect("local", senderUrl),
  connect("remote", receiverUrl),
]);
const received = { local: [], remote: [] };
for (const [name, client] of [["local", local], ["remote", remote]]) {
  client.socket.on("n", (i) => received[name].push(i));
  client.socket.on("disconnect", (reason) => fail(`${name} disconnected: ${reason}`));
}

for (let i = 0; i < count; i++) {
  sender.socket.emit("broadcast", "n", i);
  if ((i + 1) % 100 === 0) console.log(JSON.stringify({ event: `sent-${i + 1}` }));
  await new Promise((resolve) => setTimeout(resolve, interval));
}

const deadline = Date.now() + 60000;
const last = (list) => list[list.length - 1];
while (Date.now() < deadline && (last(received.local) !== count - 1 || last(received.remote) !== count - 1))
  await new Promise((resolve) => setTimeout(resolve, 20));
await finish(received);
