// Runs a list of @socket.io/redis-emitter 5.1.0 calls against a Redis, in order, then exits: the Node side of the
// emitter tests. Each command: {"nsp": "/admin"?, "to": [rooms]?, "except": [rooms]?, "flags": ["volatile",
// "compress-false"]?, "op": "emit"|"socketsJoin"|"socketsLeave"|"disconnectSockets"|"serverSideEmit", "args": [...]}.
// Binary is given as {"$bin": base64}.
//
//   node cluster/node-emitter.mjs HOST:PORT '<commands-json>'
import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";
import { fail, guard, print } from "./cluster-client.mjs";

const [endpoint, commandsJson] = process.argv.slice(2);
guard(30000);
const revive = (value) => {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== "object") return value;
  if (typeof value.$bin === "string") return Buffer.from(value.$bin, "base64");
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
};

try {
  const redis = createClient({ url: `redis://${endpoint}` });
  await redis.connect();
  const root = new Emitter(redis);
  for (const command of JSON.parse(commandsJson)) {
    let target = command.nsp ? root.of(command.nsp) : root;
    for (const room of command.to ?? []) target = target.to(room);
    if (command.except?.length) target = target.except(command.except);
    for (const flag of command.flags ?? []) target = flag === "volatile" ? target.volatile : target.compress(false);
    const args = revive(command.args ?? []);
    // The emitter's publish is fire-and-forget; node-redis sends the commands in order on one connection.
    target[command.op](...args);
  }
  await redis.quit(); // after every queued PUBLISH went out
  print("done");
  process.exit(0);
} catch (err) {
  fail(err?.stack ?? String(err));
}
