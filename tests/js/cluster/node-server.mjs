// A Node socket.io 4.8.4 node with the official Redis adapters: the application contract of tests/Fixture's default
// profile plus its cluster options and events (FIXTURE.md, "Cluster options"). It is the reference a TypedIo node is
// compared with in the cluster tests (tests/TypedIo.Redis.Tests/Interop), and the Node side of mixed clusters.
//
//   node cluster/node-server.mjs --port PORT [--redis HOST:PORT] [--adapter pubsub|sharded|streams]
//                                [--node-name NAME] [--recovery] [--cors "*"|ORIGIN]
//
// --port 0 takes a free port. Prints `listening on http://0.0.0.0:PORT` when ready; stops on SIGTERM/SIGINT.
import { createServer } from "node:http";
import { Server } from "socket.io";

const args = parseArguments(process.argv.slice(2));
// Named after the port by default (known once listening when --port 0).
let nodeName = args["node-name"] ?? String(args.port);

const options = {
  path: "/socket.io/",
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  connectTimeout: 45000,
  upgradeTimeout: 10000,
  transports: ["polling", "websocket"],
  allowEIO3: false,
};
if (args.cors === "*") options.cors = { origin: "*" };
else if (args.cors) options.cors = { origin: args.cors, credentials: true };
else options.allowRequest = refuseForeignWebSocketOrigin;
if (args.recovery) options.connectionStateRecovery = {};

const redisClients = [];
if (args.redis) options.adapter = await createRedisAdapter(args.redis, args.adapter ?? "pubsub");

const httpServer = createServer();
const io = new Server(httpServer, options);
const main = io.of("/");

main.on("connection", (socket) => {
  socket.emit("welcome", { id: socket.id, auth: socket.handshake.auth ?? {} });
  addEchoAndAck(socket);
  socket.on("join", (room, ack) => {
    socket.join(room);
    callAck(ack, sortedRooms(socket));
  });
  socket.on("leave", (room, ack) => {
    socket.leave(room);
    callAck(ack, sortedRooms(socket));
  });
  socket.on("room-emit", (room, event, ...rest) => main.to(room).emit(event, ...rest));
  socket.on("broadcast", (event, ...rest) => socket.broadcast.emit(event, ...rest));
  socket.on("request-ack", (payload, ack) => {
    socket.timeout(1000).emit("server-ask", payload, (err, reply) =>
      callAck(ack, err ? { ok: false, error: "timeout" } : { ok: true, reply }));
  });
  socket.on("disconnect-me", () => socket.disconnect());
  socket.on("count", (ack) => callAck(ack, main.sockets.size));
  if (args.redis) addClusterEvents(socket);
});

// serverSideEmit from other nodes.
main.on("cluster-hello", (payload, origin) => main.local.emit("cluster-hello", payload, origin, nodeName));
main.on("cluster-ask", (_payload, ack) => callAck(ack, nodeName));

io.of("/admin")
  .use((socket, next) => {
    const auth = socket.handshake.auth;
    next(auth && typeof auth === "object" && auth.token === "secret" ? undefined : new Error("unauthorized"));
  })
  .on("connection", (socket) => {
    socket.emit("welcome", { id: socket.id, auth: socket.handshake.auth ?? {} });
    addEchoAndAck(socket);
  });

io.of(/^\/dyn-[a-z0-9]+$/).on("connection", (socket) => {
  socket.emit("welcome", { nsp: socket.nsp.name });
  socket.on("echo", (...rest) => socket.emit("echo", ...rest));
});

function addClusterEvents(socket) {
  socket.on("fetch-ids", async (ack) => {
    const sockets = await main.fetchSockets();
    callAck(ack, sockets.map((s) => s.id).sort());
  });
  socket.on("all-rooms", async (ack) => {
    try {
      const rooms = await main.adapter.allRooms();
      callAck(ack, [...rooms].sort());
    } catch (err) {
      callAck(ack, { error: String(err?.message ?? err) });
    }
  });
  socket.on("sockets-join", (room, ack) => {
    main.socketsJoin(room);
    callAck(ack, true);
  });
  socket.on("sockets-leave", (room, ack) => {
    main.socketsLeave(room);
    callAck(ack, true);
  });
  socket.on("disconnect-room", (room, ack) => {
    main.in(room).disconnectSockets();
    callAck(ack, true);
  });
  socket.on("broadcast-ack", (event, payload, ack) => {
    main.except(socket.id).timeout(1500).emit(event, payload, (err, responses) =>
      callAck(ack, { timedOut: !!err, responses: sortedByJson(responses ?? []) }));
  });
  socket.on("server-emit", (payload, ack) => {
    main.serverSideEmit("cluster-hello", payload, nodeName);
    callAck(ack, true);
  });
  socket.on("ask-nodes", (payload, ack) => {
    // socket.io 4.8 has no per-call timeout on serverSideEmit: the adapter's requestsTimeout (5 s) applies.
    main.serverSideEmit("cluster-ask", payload, (err, replies) =>
      callAck(ack, { timedOut: !!err, replies: [...(replies ?? [])].sort() }));
  });
  socket.on("node", (ack) => callAck(ack, nodeName));
}

function addEchoAndAck(socket) {
  socket.on("echo", (...rest) => socket.emit("echo", ...rest));
  socket.on("ack", (...rest) => {
    const ack = rest.pop();
    callAck(ack, ...rest);
  });
}

function callAck(ack, ...values) {
  if (typeof ack === "function") ack(...values);
}

function sortedRooms(socket) {
  return [...socket.rooms].sort();
}

function sortedByJson(values) {
  return values
    .map((value) => [JSON.stringify(value), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, value]) => value);
}

async function createRedisAdapter(endpoint, kind) {
  const { createClient } = await import("redis");
  const url = `redis://${endpoint}`;
  const connect = async () => {
    const client = createClient({ url });
    client.on("error", (err) => console.error(`redis: ${err?.message ?? err}`));
    await client.connect();
    redisClients.push(client);
    return client;
  };
  switch (kind) {
    case "pubsub": {
      const { createAdapter } = await import("@socket.io/redis-adapter");
      const [pub, sub] = await Promise.all([connect(), connect()]);
      return createAdapter(pub, sub);
    }
    case "sharded": {
      const { createShardedAdapter } = await import("@socket.io/redis-adapter");
      const [pub, sub] = await Promise.all([connect(), connect()]);
      return createShardedAdapter(pub, sub);
    }
    case "streams": {
      const { createAdapter } = await import("@socket.io/redis-streams-adapter");
      return createAdapter(await connect());
    }
    default:
      console.error(`unknown --adapter '${kind}' (pubsub, sharded or streams)`);
      process.exit(2);
  }
}

// Without --cors, a WebSocket upgrade (or any request) from a foreign Origin is refused, as the TypedIo fixture does.
function refuseForeignWebSocketOrigin(req, callback) {
  const origin = req.headers.origin;
  if (!origin || !req.headers.upgrade) return callback(null, true);
  let sameHost = false;
  try {
    sameHost = new URL(origin).host === req.headers.host;
  } catch {
    sameHost = false;
  }
  callback(sameHost ? null : "Forbidden", sameHost);
}

function parseArguments(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, "");
    if (name === "recovery") parsed.recovery = true;
    else parsed[name] = argv[++i];
  }
  if (parsed.port === undefined || Number.isNaN(Number(parsed.port))) {
    console.error("usage: node-server.mjs --port PORT [--redis HOST:PORT] [--adapter pubsub|sharded|streams] [--node-name NAME] [--recovery] [--cors ORIGIN]");
    process.exit(2);
  }
  parsed.port = Number(parsed.port);
  return parsed;
}

httpServer.listen(args.port, "0.0.0.0", () => {
  const { port } = httpServer.address();
  if (args["node-name"] === undefined) nodeName = String(port);
  console.log(`listening on http://0.0.0.0:${port}`);
});

const stop = () => {
  io.close();
  for (const client of redisClients) client.quit().catch(() => {});
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
