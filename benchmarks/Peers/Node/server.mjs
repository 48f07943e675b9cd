// Node socket.io peer for the TypedIo benchmarks: the application contract of tests/Fixture's default profile
// (see FIXTURE.md) with socket.io 4.8 defaults, the same options the fixture uses.
// Usage: node server.mjs --port 3100
import { createServer } from "node:http";
import { Server } from "socket.io";

const portIndex = process.argv.indexOf("--port");
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 3100;

const httpServer = createServer();
const io = new Server(httpServer, {
  path: "/socket.io/",
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  connectTimeout: 45000,
  upgradeTimeout: 10000,
  transports: ["polling", "websocket"],
  allowEIO3: false,
  // No CORS (the fixture's default without --cors).
});

const sortedRooms = (socket) => [...socket.rooms].sort();
const main = io.of("/");

main.on("connection", (socket) => {
  socket.emit("welcome", { id: socket.id, auth: socket.handshake.auth ?? {} });
  socket.on("echo", (...args) => socket.emit("echo", ...args));
  socket.on("ack", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack(sortedRooms(socket));
  });
  socket.on("leave", (room, ack) => {
    socket.leave(room);
    if (typeof ack === "function") ack(sortedRooms(socket));
  });
  socket.on("room-emit", (room, event, ...args) => {
    main.to(room).emit(event, ...args);
  });
  socket.on("broadcast", (event, ...args) => {
    socket.broadcast.emit(event, ...args);
  });
  socket.on("count", (ack) => {
    if (typeof ack === "function") ack(main.sockets.size);
  });
  socket.on("disconnect-me", () => socket.disconnect());
});

httpServer.listen(port, "0.0.0.0", () => {
  console.log(`listening on http://0.0.0.0:${port}`);
});

const stop = () => {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
