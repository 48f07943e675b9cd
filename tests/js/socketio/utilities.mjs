// Real socket.io-client 4.8.1 clients observing the server's adapter utilities (fetchSockets, remote join/emit,
// socketsJoin/socketsLeave, disconnectSockets), for tests/TypedIo.Tests/Interop/UtilitiesInteropTests.cs.
//
//   node socketio/utilities.mjs <url> <mode> <clients>
//
// Client i connects with auth {"name": "c<i>"} and prints {"event":"c<i>:connected","id":...}; every event it gets
// afterwards is printed as {"event":"c<i>:<event name>","args":[...]}, and its disconnection as
// {"event":"c<i>:disconnect","reason":...}. On the server's "report" it prints {"event":"c<i>:report","got":[event
// names received so far]}. Exits 0 once every client has reported (a disconnected client reports at its
// disconnection); {"event":"error"} and exit 1 on the overall timeout.

import { io } from "socket.io-client";

const [rawUrl, mode, countText = "3"] = process.argv.slice(2);
const baseUrl = (rawUrl ?? "").replace(/\/+$/, "");
const count = Number(countText);
const transports = mode === "websocket" ? ["websocket"] : ["polling", "websocket"];
const print = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
setTimeout(() => { print("error", { message: "timed out" }); process.exit(1); }, 60000);

let reported = 0;
for (let i = 0; i < count; i++) {
  const name = `c${i}`;
  const got = [];
  const socket = io(baseUrl, { transports, upgrade: mode === "upgrade", auth: { name }, forceNew: true, reconnection: false });
  const report = () => {
    print(`${name}:report`, { got });
    if (++reported === count) process.exit(0);
  };
  socket.on("connect", () => print(`${name}:connected`, { id: socket.id }));
  socket.on("report", report);
  socket.on("disconnect", (reason) => {
    print(`${name}:disconnect`, { reason });
    report();
  });
  socket.onAny((event, ...args) => {
    if (event === "report") return;
    got.push(event);
    print(`${name}:${event}`, { args });
  });
}
