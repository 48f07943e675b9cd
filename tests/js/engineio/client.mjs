// Drives a TypedIo Engine.IO server with the real engine.io-client, for the interop tests in
// tests/TypedIo.Tests/Interop/EngineIoClientInteropTests.cs.
//
//   node engineio/client.mjs <url> <scenario> <mode> [options-json]
//
//   url       the server's base address, e.g. http://127.0.0.1:5000/
//   scenario  exchange | sequence | listen | server-close | client-close | heartbeat | max-size
//   mode      polling (no upgrade) | websocket (no polling) | upgrade (polling, then upgrade to websocket)
//   options   JSON, see each scenario; common: timeoutMs (default 15000), path (default /engine.io/)
//
// Prints one JSON object per line on stdout: every socket event as it happens ({"event":"open",...},
// {"event":"message",...}, {"event":"close",...}) and scenario results. Ends with {"event":"done"} and exit code 0,
// or {"event":"error","message":...} and exit code 1 on a failed expectation, an exception or the overall timeout.
// Messages are described as {"kind":"text","text":...} or {"kind":"binary","base64":...,"jsType":...}.

import { Socket } from "engine.io-client";

const [url, scenario, mode, optionsJson = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const timeoutMs = options.timeoutMs ?? 15000;
let waitingFor = "start";
const startedAt = performance.now();

function emit(event, fields = {}) {
  // Writes to a pipe are synchronous on Linux and macOS, so nothing is lost when we exit right after.
  const ms = Math.round(performance.now() - startedAt);
  process.stdout.write(JSON.stringify({ event, ...fields, ms }) + "\n");
}

function fail(message) {
  emit("error", { message, scenario, mode, waitingFor });
  process.exit(1);
}

function done(fields = {}) {
  emit("done", fields);
  // Let Node exit by itself once the client's last requests (a polling close packet, a WebSocket close handshake)
  // are through, so the server sees a clean close and not a reset. A handle that stays open does not hang the test.
  clearTimeout(overallTimeout);
  process.exitCode = 0;
  setTimeout(() => {
    emit("lingering", { message: "still running 5 s after done; exiting" });
    process.exit(0);
  }, 5000).unref();
}

function check(condition, message) {
  if (!condition) fail(message);
}

const overallTimeout = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
process.on("exit", (code) => emit("exit", { code }));
process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));

if (!url || !scenario || !mode) fail("usage: client.mjs <url> <scenario> <mode> [options-json]");

// ---- payloads ----

/** A message as received (or as expected): {kind:"text",text} or {kind:"binary",base64,jsType}. */
function describe(data) {
  // engine.io-parser decodes a message packet without data ("4", what an empty string is sent as) to undefined.
  if (data === undefined) return { kind: "empty" };
  if (typeof data === "string") return { kind: "text", text: data };
  if (Buffer.isBuffer(data)) return { kind: "binary", base64: data.toString("base64"), jsType: "Buffer" };
  if (data instanceof ArrayBuffer) return { kind: "binary", base64: Buffer.from(data).toString("base64"), jsType: "ArrayBuffer" };
  if (ArrayBuffer.isView(data)) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { kind: "binary", base64: bytes.toString("base64"), jsType: data.constructor.name };
  }
  return { kind: "unknown", jsType: data?.constructor?.name ?? typeof data };
}

/** Turns a payload from the options ({text} or {base64, as}) into what socket.send takes. */
function toSendable(payload) {
  if (payload.text !== undefined) return payload.text;
  const bytes = Buffer.from(payload.base64, "base64");
  switch (payload.as) {
    case "Buffer":
      return bytes;
    case "Uint8Array":
      return new Uint8Array(bytes);
    case "ArrayBuffer":
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    default:
      fail(`unknown binary type '${payload.as}'`);
  }
}

function sameContent(received, payload) {
  if (payload.text === "") return received.kind === "empty";
  if (payload.text !== undefined) return received.kind === "text" && received.text === payload.text;
  return received.kind === "binary" && received.base64 === payload.base64;
}

function show(value) {
  const text = JSON.stringify(value);
  return text.length > 200 ? text.slice(0, 200) + "…" : text;
}

/** Deterministic content of a given size, the same as the C# side computes. */
function generated(kind, size) {
  if (kind === "text") {
    const alphabet = "abcdefghijklmnopqrstuvwxyz";
    let text = "";
    for (let i = 0; i < size; i++) text += alphabet[i % 26];
    return { text };
  }
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 256;
  return { base64: bytes.toString("base64"), as: "Uint8Array" };
}

// ---- the socket and its events ----

const transportsByMode = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] };
check(transportsByMode[mode] !== undefined, `unknown mode '${mode}'`);

const socket = new Socket(url, {
  path: options.path ?? "/engine.io/",
  transports: transportsByMode[mode],
  upgrade: mode === "upgrade",
});

const happened = new Map();
const waiters = [];

function record(name, value) {
  if (!happened.has(name)) happened.set(name, []);
  happened.get(name).push(value);
  for (const waiter of [...waiters]) waiter();
}

function count(name) {
  return happened.get(name)?.length ?? 0;
}

/** Resolves with the first n values recorded for the event, once there are n (the overall timeout bounds the wait). */
function waitFor(name, n = 1) {
  waitingFor = n === 1 ? name : `${n} x ${name}`;
  return new Promise((resolve) => {
    const test = () => {
      if (name !== "close" && count("close") > 0 && count(name) < n)
        fail(`the socket closed (${happened.get("close")[0]}) while waiting for ${n === 1 ? name : `${n} x ${name}`}`);
      if (count(name) >= n) {
        waiters.splice(waiters.indexOf(test), 1);
        resolve(happened.get(name).slice(0, n));
      }
    };
    waiters.push(test);
    test();
  });
}

function errorText(err) {
  if (err === undefined || err === null) return null;
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && "description" in err) return String(err.description?.message ?? err.description);
  return String(err);
}

socket.on("open", () => {
  emit("open", { sid: socket.id, transport: socket.transport.name });
  record("open", socket.transport.name);
});
socket.on("message", (data) => {
  const message = describe(data);
  emit("message", message);
  record("message", message);
});
socket.on("upgrading", (transport) => {
  emit("upgrading", { transport: transport.name });
  record("upgrading", transport.name);
});
socket.on("upgrade", (transport) => {
  emit("upgrade", { transport: transport.name });
  record("upgrade", transport.name);
});
socket.on("upgradeError", (err) => emit("upgradeError", { message: errorText(err) }));
socket.on("ping", () => {
  emit("ping", { at: Date.now(), transport: socket.transport?.name });
  record("ping", Date.now());
});
socket.on("error", (err) => emit("socketError", { message: errorText(err) }));
socket.on("close", (reason, description) => {
  emit("close", { reason, description: errorText(description) });
  record("close", reason);
});

let consumed = 0;

/** Waits for the next messages and fails unless they are exactly the expected payloads, in order. */
async function expectMessages(expected, what) {
  const all = await waitFor("message", consumed + expected.length);
  const received = all.slice(consumed);
  consumed += expected.length;
  for (let i = 0; i < expected.length; i++) {
    check(sameContent(received[i], expected[i]),
      `${what}: message ${i} was ${show(received[i])}, expected ${show(expected[i])}`);
    if (received[i].kind === "binary")
      check(received[i].jsType === "Buffer", `${what}: message ${i} arrived as ${received[i].jsType}, expected a Buffer`);
  }
}

/** Sends a text message and waits for its echo: after it, the server has processed everything sent before. */
async function roundTrip(text) {
  socket.send(text);
  await expectMessages([{ text }], `echo of '${text}'`);
}

async function opened() {
  const [transport] = await waitFor("open");
  const expected = mode === "websocket" ? "websocket" : "polling";
  check(transport === expected, `opened over ${transport}, expected ${expected}`);
}

async function upgradedIfExpected() {
  if (mode !== "upgrade") return;
  const [to] = await waitFor("upgrade");
  check(to === "websocket", `upgraded to ${to}`);
  check(socket.transport.name === "websocket", `transport after upgrade is ${socket.transport.name}`);
}

async function closeAndFinish(fields = {}) {
  socket.close();
  const [reason] = await waitFor("close");
  check(reason === "forced close", `a client-side close reported '${reason}'`);
  done(fields);
}

// ---- scenarios ----

const scenarios = {
  /**
   * options.greeting: what the server sends on connect; options.payloads: sent and expected back (echo).
   * Sends the payloads right at open and, in mode upgrade, again after the upgrade (over websocket). Each time
   * expects the echoes, exactly and in order. (In mode upgrade the client flushes the first payload sent at open
   * over polling at once; the others wait in its buffer and may go over websocket if the probe succeeds first.)
   */
  async exchange() {
    await opened();
    const phases = mode === "upgrade" ? ["polling", "websocket"] : [mode];
    for (const phase of phases) {
      if (phase === "websocket" && mode === "upgrade") await upgradedIfExpected();
      check(socket.transport.name === phase, `sending phase '${phase}' over ${socket.transport.name}`);
      emit("phase", { name: phase });
      for (const payload of options.payloads) socket.send(toSendable(payload));
      const expected = phase === phases[0] ? [...options.greeting, ...options.payloads] : options.payloads;
      await expectMessages(expected, phase === phases[0] ? "greeting and echoes" : `echoes over ${phase}`);
    }
    await closeAndFinish();
  },

  /**
   * options.count: numbered messages c:0..count-1 the client sends (binary when i % 3 == 0), expected back in order;
   * options.pushCount: numbered messages s:0..pushCount-1 the server pushes (binary when i % 4 == 0).
   * In mode upgrade the client sends some at open, some when the upgrade starts and the rest when it is done.
   */
  async sequence() {
    const n = options.count;
    const pushCount = options.pushCount;
    const echoes = [];
    const pushes = [];
    let finished;
    const allIn = new Promise((resolve) => (finished = resolve));

    const sendRange = (from, to, phase) => {
      emit("phase", { name: phase, from, to, transport: socket.transport.name });
      for (let i = from; i < to; i++) {
        const label = `c:${i}`;
        socket.send(i % 3 === 0 ? Buffer.from(label, "utf8") : label);
      }
    };

    socket.on("message", (data) => {
      const message = describe(data);
      const binary = message.kind === "binary";
      const label = binary ? Buffer.from(message.base64, "base64").toString("utf8") : message.text;
      const match = /^([cs]):(\d+)$/.exec(label);
      check(match !== null, `unexpected message ${show(message)}`);
      const index = Number(match[2]);
      const list = match[1] === "c" ? echoes : pushes;
      check(index === list.length, `${match[1]}:${index} arrived after ${list.length} of its kind: lost, duplicated or reordered`);
      check(binary === (match[1] === "c" ? index % 3 === 0 : index % 4 === 0), `${label} arrived as ${message.kind}`);
      list.push(binary ? `${label}/binary` : `${label}/text`);
      if (match[1] === "c" && index === 0 && mode !== "upgrade") sendRange(Math.floor(n / 2), n, "after-first-echo");
      if (echoes.length === n && pushes.length === pushCount) finished();
    });

    if (mode === "upgrade") {
      const a = Math.floor(n * 0.35);
      const b = Math.floor(n * 0.65);
      socket.once("upgrading", () => sendRange(a, b, "upgrading"));
      socket.once("upgrade", () => sendRange(b, n, "upgrade"));
      await opened();
      sendRange(0, a, "open");
    } else {
      await opened();
      sendRange(0, Math.floor(n / 2), "open");
    }

    waitingFor = `${n} echoes and ${pushCount} pushes`;
    await allIn;
    await upgradedIfExpected();
    emit("sequence", { echoes, pushes });
    await closeAndFinish();
  },

  /** options.greeting: what the server sends on connect. Sends nothing; expects the greeting, then closes. */
  async listen() {
    await opened();
    await expectMessages(options.greeting, "greeting");
    await upgradedIfExpected();
    emit("greeted");
    await closeAndFinish();
  },

  /** Gets ready (upgraded, one round trip), prints ready, then expects the server to close the session. */
  async "server-close"() {
    await opened();
    await upgradedIfExpected();
    await roundTrip("ready?");
    emit("ready", { transport: socket.transport.name });
    const [reason] = await waitFor("close");
    done({ reason });
  },

  /** Gets ready (upgraded, one round trip), then closes the socket itself. */
  async "client-close"() {
    await opened();
    await upgradedIfExpected();
    await roundTrip("ready?");
    emit("ready", { transport: socket.transport.name });
    await closeAndFinish();
  },

  /**
   * options.pings: how many server pings to wait for. Then proves the connection alive with a round trip, prints
   * alive, and closes once the server sends "bye".
   */
  async heartbeat() {
    await opened();
    await upgradedIfExpected();
    await waitFor("ping", options.pings);
    check(count("close") === 0, "the socket closed while waiting for pings");
    await roundTrip("alive?");
    emit("alive", { pings: count("ping"), transport: socket.transport.name });
    await expectMessages([{ text: "bye" }], "the server's bye");
    await closeAndFinish({ pings: count("ping") });
  },

  /**
   * options.kind (text | binary), options.smallSize, options.bigSize: sends a small message and expects its echo,
   * then a big one and expects the server to close the connection.
   */
  async "max-size"() {
    await opened();
    await upgradedIfExpected();
    const small = generated(options.kind, options.smallSize);
    socket.send(toSendable(small));
    await expectMessages([small], "echo of the small message");
    emit("small-echoed");
    socket.send(toSendable(generated(options.kind, options.bigSize)));
    const [reason] = await waitFor("close");
    done({ reason });
  },
};

const run = scenarios[scenario];
if (!run) fail(`unknown scenario '${scenario}'`);
run().catch((err) => fail(`scenario failed: ${err?.stack ?? err}`));
