// Opens many half-open Engine.IO sessions (handshake only, then silence) against a TypedIo server, for
// tests/TypedIo.Tests/Hardening/HalfOpenSessionTests.cs and benchmarks/half-open.sh.
//
//   node engineio/half-open.mjs <url> <polling|websocket> <count> [concurrency=100]
//
//   url   the server's base address, e.g. http://127.0.0.1:5000/ (sessions at /socket.io/)
//
// polling: <count> handshakes (GET ?EIO=4&transport=polling), never a poll after them.
// websocket: <count> WebSockets (?EIO=4&transport=websocket) that read the open packet and then answer nothing
// (Engine.IO pings are read and ignored); each stays open until the server closes it.
// Prints one JSON object per line: {"event":"opened","count":N} once every session is open, then, for websocket,
// {"event":"closed","count":N} once the server has closed all of them; ends with {"event":"done"}, or
// {"event":"error","message":...} and exit code 1. A WebSocket runs on its own TCP connection: the process needs
// count + a few file descriptors (see `ulimit -n`).

import http from "node:http";
import WebSocket from "ws"; // the WebSocket library the socket.io dependency brings

const [url, transport, countText, concurrencyText = "100"] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const base = new URL("socket.io/?EIO=4&transport=" + transport, url);
const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const fail = (message) => {
  emit("error", { message });
  process.exit(1);
};

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const sockets = [];
let closed = 0;
let allOpen = false;

function handshake() {
  return new Promise((resolve, reject) => {
    http
      .get(base, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => (res.statusCode === 200 && body.startsWith("0{") ? resolve() : reject(new Error(`handshake: ${res.statusCode} ${body}`))));
      })
      .on("error", reject);
  });
}

function openWebSocket() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base.href.replace(/^http/, "ws"), { perMessageDeflate: false });
    let opened = false;
    ws.on("message", (data) => {
      if (!opened) {
        opened = true;
        if (!data.toString().startsWith("0{")) reject(new Error("open packet: " + data));
        else resolve();
      }
      // Pings ("2") and anything else: no answer. The session must die on the server's own clock.
    });
    ws.on("close", () => {
      if (!opened) reject(new Error("closed before the open packet"));
      else if (++closed === count && allOpen) finish();
    });
    ws.on("error", (err) => {
      if (!opened) reject(err);
    });
    sockets.push(ws);
  });
}

function finish() {
  emit("closed", { count: closed });
  emit("done");
  process.exit(0);
}

async function openAll(open) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await open();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

try {
  await openAll(transport === "polling" ? handshake : openWebSocket);
  allOpen = true;
  emit("opened", { count });
  agent.destroy();
  if (transport === "polling") {
    emit("done");
    process.exit(0);
  }
  if (closed === count) finish();
} catch (err) {
  fail(String(err?.stack ?? err));
}
