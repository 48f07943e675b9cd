// Clients of a cluster behind a load balancer (tests/TypedIo.Redis.Tests/Proxy/LoadBalancerTests.cs): each client
// has its own cookie jar (withCredentials), as a browser per user would, so the balancer spreads new clients over
// the nodes and keeps each on its node through its affinity cookie.
//
//   node cluster/behind-proxy.mjs <proxy-url> <polling|upgrade> [clients=6]
//
// Result: {nodes: node name per client, echoes: ok per client, transports: final transport per client,
// broadcasts: how many clients got the broadcast of the first one}.
import { connect, describe, fail, finish, guard } from "./cluster-client.mjs";

const [url, mode, count = "6"] = process.argv.slice(2);
guard(60000);

try {
  const clients = [];
  // One after the other, so the balancer's round robin alternates nodes.
  for (let i = 0; i < Number(count); i++) clients.push(await connect(`c${i}`, url, { mode, extra: { withCredentials: true } }));
  if (mode === "upgrade") {
    await Promise.all(clients.map((c) => c.socket.io.engine.transport.name === "websocket"
      ? undefined
      : new Promise((resolve) => c.socket.io.engine.once("upgrade", resolve))));
  }
  const nodes = await Promise.all(clients.map((c) => c.call("node")));
  // Several requests per session: each must reach the node that holds the session.
  const echoes = await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < 3; i++) {
      c.socket.emit("echo", c.name, i);
      const args = await c.next("echo");
      if (args[0] !== c.name || args[1] !== i) return false;
    }
    return true;
  }));
  clients[0].socket.emit("broadcast", "news", { from: "c0", bin: Buffer.from([1]) });
  const received = await Promise.all(clients.slice(1).map((c) => c.next("news")));
  await finish({
    nodes,
    echoes,
    transports: clients.map((c) => c.socket.io.engine.transport.name),
    broadcasts: received.map((args) => describe(args)),
  });
} catch (err) {
  fail(err?.stack ?? String(err));
}
