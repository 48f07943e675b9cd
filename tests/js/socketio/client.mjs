// Drives the conformance fixture (tests/Fixture, default profile, see FIXTURE.md) with the real socket.io-client
// 4.8.1, for the interop tests in tests/TypedIo.Tests/Interop/SocketIoClientInterop*.cs.
//
//   node socketio/client.mjs <url> <mode> <scenario> [options-json]
//
//   url       the fixture's base address, e.g. http://127.0.0.1:5000
//   mode      polling (no upgrade) | websocket (no polling) | upgrade (polling, then upgrade to websocket)
//   scenario  welcome | echo | ack | rooms | room-emit | broadcast | request-ack | request-ack-timeout |
//             disconnect-me | multiplex | admin-auth | namespaces | size | load | count | server-close
//   options   JSON, see each scenario; common: timeoutMs (overall, default 60000), waitMs (one wait, default 20000)
//
// Prints one JSON object per line on stdout: {"event":"result",...} with what the scenario observed, then
// {"event":"done"} and exit code 0; or {"event":"error","message":...} and exit code 1 on a failed wait, an exception
// or the overall timeout. Binary values are described as {"$bin": <base64>} (received) and given in the options as
// {"$bin": <base64>, "as": "Buffer" | "Uint8Array" | "ArrayBuffer"} (to send).

import { io, Manager } from "socket.io-client";

const [rawUrl, mode, scenario, optionsJson = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const timeoutMs = options.timeoutMs ?? 60000;
const waitMs = options.waitMs ?? 20000;
const baseUrl = (rawUrl ?? "").replace(/\/+$/, "");
const startedAt = performance.now();
const opened = [];

function emit(event, fields = {}) {
  // Writes to a pipe are synchronous on Linux and macOS, so nothing is lost when we exit right after.
  const ms = Math.round(performance.now() - startedAt);
  process.stdout.write(JSON.stringify({ event, ...fields, ms }) + "\n");
}

function fail(message) {
  emit("error", { message, scenario, mode });
  process.exit(1);
}

const overallTimeout = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));

function done(fields = {}) {
  emit("result", fields);
  clearTimeout(overallTimeout);
  for (const socket of opened) socket.disconnect();
  emit("done");
  // Let Node exit by itself once the last requests are through; a handle that stays open does not hang the test.
  process.exitCode = 0;
  setTimeout(() => process.exit(0), 5000).unref();
}

const transportsByMode = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] };
if (!rawUrl || !scenario || !transportsByMode[mode]) fail("usage: client.mjs <url> <polling|websocket|upgrade> <scenario> [options-json]");

const clientOptions = {
  transports: transportsByMode[mode],
  upgrade: mode === "upgrade",
  reconnection: false,
  timeout: waitMs,
};

// ---- values ----

/** Turns {"$bin": base64, "as": type} anywhere in a value into real binary of that type. */
function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== "object") return value;
  if (typeof value.$bin === "string") {
    const bytes = Buffer.from(value.$bin, "base64");
    switch (value.as) {
      case "Buffer":
        return bytes;
      case "Uint8Array":
        return new Uint8Array(bytes);
      case "ArrayBuffer":
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      default:
        fail(`unknown binary type '${value.as}'`);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
}

/** JSON for a received value: binary becomes {"$bin": base64}; its JS type is added to types. */
function describe(value, types = []) {
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    types.push(value.constructor.name);
    const bytes = value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $bin: bytes.toString("base64") };
  }
  if (Array.isArray(value)) return value.map((v) => describe(v, types));
  if (typeof value === "function") return { $function: true };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v, types)]));
}

// ---- sockets and waits ----

/**
 * Records every event of a socket (connect, connect_error, disconnect and all incoming events) so that a wait never
 * misses one that came before it started.
 */
class Recorder {
  constructor(name, socket) {
    this.name = name;
    this.socket = socket;
    this.queues = new Map();
    this.waiters = [];
    this.binaryTypes = [];
    this.log = new Map();
    socket.on("connect", () => this.push("connect", []));
    socket.on("connect_error", (err) => this.push("connect_error", [{ message: err.message, data: err.data ?? null }]));
    socket.on("disconnect", (reason, details) => this.push("disconnect", [reason, describeDetails(details)]));
    socket.onAny((event, ...args) => this.push(event, args.filter((a) => typeof a !== "function")));
    opened.push(socket);
  }

  push(event, args) {
    if (!this.log.has(event)) this.log.set(event, []);
    this.log.get(event).push(describe(args));
    if (!this.queues.has(event)) this.queues.set(event, []);
    this.queues.get(event).push(args);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with the args of the next event of that name not consumed yet. */
  async next(event, ms = waitMs) {
    return (await this.first([event], ms)).args;
  }

  /** Resolves with {event, args} of the next not yet consumed event of any of those names (the first listed wins a tie). */
  first(events, ms = waitMs) {
    return new Promise((resolve, reject) => {
      const test = () => {
        for (const event of events) {
          const queue = this.queues.get(event);
          if (queue && queue.length > 0) {
            cleanup();
            resolve({ event, args: queue.shift() });
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${events.map((e) => `'${e}'`).join(" or ")} event within ${ms} ms`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(test);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      this.waiters.push(test);
      test();
    });
  }

  /** Events of that name received so far and not consumed, described. */
  pending(event) {
    return (this.queues.get(event) ?? []).map((args) => describe(args, this.binaryTypes));
  }

  /** Resolves with "connect" or the connect_error, whichever comes first. */
  async connectOutcome(ms = waitMs) {
    const { event, args } = await this.first(["connect", "connect_error"], ms);
    return event === "connect" ? { connected: true } : { connected: false, error: args[0] };
  }

  async connected(ms = waitMs) {
    const outcome = await this.connectOutcome(ms);
    if (!outcome.connected) throw new Error(`${this.name}: connect_error ${JSON.stringify(outcome.error)}`);
  }
}

function describeDetails(details) {
  if (details === undefined || details === null) return null;
  if (details instanceof Error) return { message: details.message, description: details.description ?? null };
  if (typeof details === "object" && "description" in details) {
    const context = details.context;
    return {
      description: String(details.description?.message ?? details.description),
      code: typeof context?.code === "number" ? context.code : typeof context === "number" ? context : null,
    };
  }
  return { text: String(details) };
}

function socketAt(name, nsp, extra = {}) {
  const socket = io(baseUrl + nsp, { ...clientOptions, forceNew: true, ...extra });
  return new Recorder(name, socket);
}

/** In mode upgrade, resolves once the manager's connection has upgraded to WebSocket; at once otherwise. */
function upgraded(manager, ms = waitMs) {
  if (mode !== "upgrade") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const engine = manager.engine;
    if (engine.transport?.name === "websocket" && !engine.upgrading) return resolve();
    const timer = setTimeout(() => reject(new Error(`no upgrade to websocket within ${ms} ms`)), ms);
    engine.once("upgrade", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Connects (and, in mode upgrade, upgrades) then returns. */
async function ready(recorder) {
  await recorder.connected();
  await upgraded(recorder.socket.io);
}

function withAck(socket, event, args, ms = waitMs) {
  return new Promise((resolve, reject) => {
    socket.timeout(ms).emit(event, ...args, (err, ...reply) => {
      if (err) reject(new Error(`no ack for '${event}' within ${ms} ms`));
      else resolve(reply);
    });
  });
}

function transportOf(recorder) {
  return recorder.socket.io.engine?.transport?.name ?? null;
}

// ---- scenarios ----

const scenarios = {
  /** options: auth (absent: no auth). */
  async welcome() {
    const a = socketAt("client", "/", options.auth === undefined ? {} : { auth: options.auth });
    await ready(a);
    const [welcome] = await a.next("welcome");
    return { id: a.socket.id, engineId: a.socket.io.engine.id, transport: transportOf(a), welcome: describe(welcome) };
  },

  /** options: cases (array of argument lists), nsp (default "/"), auth. Sends each, then once more after the upgrade. */
  async echo() {
    const a = socketAt("client", options.nsp ?? "/", options.auth === undefined ? {} : { auth: options.auth });
    await a.connected();
    const rounds = [];
    for (let round = 0; round < (mode === "upgrade" ? 2 : 1); round++) {
      if (round === 1) await upgraded(a.socket.io);
      const transport = transportOf(a);
      for (const args of options.cases) a.socket.emit("echo", ...revive(args));
      const received = [];
      for (let i = 0; i < options.cases.length; i++) received.push(describe(await a.next("echo"), a.binaryTypes));
      rounds.push({ transport, received });
    }
    return { rounds, binaryTypes: a.binaryTypes };
  },

  /** options: cases, nsp, auth. Each case is sent with an ack; the ack's arguments are returned. */
  async ack() {
    const a = socketAt("client", options.nsp ?? "/", options.auth === undefined ? {} : { auth: options.auth });
    await ready(a);
    const received = [];
    for (const args of options.cases) received.push(describe(await withAck(a.socket, "ack", revive(args)), a.binaryTypes));
    return { transport: transportOf(a), received, binaryTypes: a.binaryTypes };
  },

  /** options: steps, [["join"|"leave", room], ...]; returns the ack of each. */
  async rooms() {
    const a = socketAt("client", "/");
    await ready(a);
    const acks = [];
    for (const [action, room] of options.steps) acks.push(describe(await withAck(a.socket, action, [room])));
    return { id: a.socket.id, acks };
  },

  /**
   * a and b join room r1, c does not. a (member) then c (not a member) emit room-emit to r1; after each, a marker goes
   * to c through its id as room. At the end each socket sends "end" to itself. Returns every room-msg each received.
   * options: payload1, payload2 (argument lists).
   */
  async "room-emit"() {
    const [a, b, c] = ["a", "b", "c"].map((n) => socketAt(n, "/"));
    for (const s of [a, b, c]) await ready(s);
    const joined = {
      a: describe(await withAck(a.socket, "join", ["r1"])),
      b: describe(await withAck(b.socket, "join", ["r1"])),
    };
    a.socket.emit("room-emit", "r1", "room-msg", ...revive(options.payload1));
    await a.next("room-msg");
    await b.next("room-msg");
    a.socket.emit("room-emit", c.socket.id, "room-msg", "marker-1");
    await c.next("room-msg");
    c.socket.emit("room-emit", "r1", "room-msg", ...revive(options.payload2));
    await a.next("room-msg");
    await b.next("room-msg");
    c.socket.emit("room-emit", c.socket.id, "room-msg", "marker-2");
    await c.next("room-msg");
    for (const s of [a, b, c]) s.socket.emit("room-emit", s.socket.id, "room-msg", "end");
    for (const s of [a, b, c]) await s.next("room-msg");
    return { ids: { a: a.socket.id, b: b.socket.id, c: c.socket.id }, joined, ...received([a, b, c], "room-msg") };
  },

  /** a broadcasts; b and c get it, a does not. Then each sends "end" to itself. options: payload (argument list). */
  async broadcast() {
    const [a, b, c] = ["a", "b", "c"].map((n) => socketAt(n, "/"));
    for (const s of [a, b, c]) await ready(s);
    a.socket.emit("broadcast", "bcast", ...revive(options.payload));
    await b.next("bcast");
    await c.next("bcast");
    for (const s of [a, b, c]) s.socket.emit("room-emit", s.socket.id, "bcast", "end");
    for (const s of [a, b, c]) await s.next("bcast");
    return received([a, b, c], "bcast");
  },

  /** The client answers server-ask with options.answer, or {answer: <payload>, by: "client"}. options: payload, answer. */
  async "request-ack"() {
    const a = socketAt("client", "/");
    const asked = [];
    a.socket.on("server-ask", (...args) => {
      const ack = args.pop();
      asked.push(describe(args));
      if (options.answer !== undefined) ack(revive(options.answer), "a second argument the server ignores");
      else ack({ answer: args[0], by: "client" }, "a second argument the server ignores");
    });
    await ready(a);
    const reply = await withAck(a.socket, "request-ack", [revive(options.payload)]);
    return { asked, reply: describe(reply, a.binaryTypes), binaryTypes: a.binaryTypes };
  },

  /**
   * The client does not answer server-ask; measures when the server's ack comes. Then answers late and checks that the
   * socket still works. options: payload.
   */
  async "request-ack-timeout"() {
    const a = socketAt("client", "/");
    const asked = [];
    let lateAck;
    a.socket.on("server-ask", (...args) => {
      lateAck = args.pop();
      asked.push(describe(args));
    });
    await ready(a);
    const started = performance.now();
    const reply = await withAck(a.socket, "request-ack", [options.payload]);
    const elapsedMs = Math.round(performance.now() - started);
    lateAck?.({ answer: "too late" });
    const after = describe(await withAck(a.socket, "ack", ["still connected"]));
    return { asked, reply: describe(reply), elapsedMs, after, connected: a.socket.connected };
  },

  /** One manager with /, /admin and /dyn-abc123; / asks disconnect-me; the others must stay. */
  async "disconnect-me"() {
    const manager = new Manager(baseUrl, clientOptions);
    const main = new Recorder("main", manager.socket("/"));
    const admin = new Recorder("admin", manager.socket("/admin", { auth: { token: "secret" } }));
    const dyn = new Recorder("dyn", manager.socket("/dyn-abc123"));
    for (const s of [main, admin, dyn]) await ready(s);
    const engineBefore = manager.engine.id;
    main.socket.emit("disconnect-me");
    const [reason] = await main.next("disconnect");
    const adminAck = describe(await withAck(admin.socket, "ack", ["admin still here"]));
    dyn.socket.emit("echo", "dyn still here");
    const dynEcho = describe(await dyn.next("echo"));
    return {
      reason,
      mainConnected: main.socket.connected,
      adminConnected: admin.socket.connected,
      dynConnected: dyn.socket.connected,
      adminAck,
      dynEcho,
      engineBefore,
      engineAfter: manager.engine.id,
      engineState: manager.engine.readyState,
      otherDisconnects: [...admin.pending("disconnect"), ...dyn.pending("disconnect")],
    };
  },

  /** One manager with /, /admin (token secret) and /dyn-abc123: welcome and echo on each. options: payload (binary). */
  async multiplex() {
    const manager = new Manager(baseUrl, clientOptions);
    const handshakes = [];
    manager.on("open", () => handshakes.push(manager.engine.id));
    const sockets = {
      "/": new Recorder("/", manager.socket("/")),
      "/admin": new Recorder("/admin", manager.socket("/admin", { auth: { token: "secret" } })),
      "/dyn-abc123": new Recorder("/dyn-abc123", manager.socket("/dyn-abc123")),
    };
    const result = {};
    for (const [nsp, s] of Object.entries(sockets)) await ready(s);
    for (const [nsp, s] of Object.entries(sockets)) s.socket.emit("echo", `from ${nsp}`, revive(options.payload));
    for (const [nsp, s] of Object.entries(sockets)) {
      result[nsp] = {
        id: s.socket.id,
        engineId: s.socket.io.engine.id,
        welcome: describe((await s.next("welcome"))[0]),
        echo: describe(await s.next("echo")),
      };
    }
    return { namespaces: result, handshakes, transport: manager.engine.transport.name };
  },

  /** options: cases, [{auth?}] in order; connects to /admin with each (its own connection). */
  async "admin-auth"() {
    const outcomes = [];
    for (const [i, c] of options.cases.entries()) {
      const s = socketAt(`case ${i}`, "/admin", c.auth === undefined ? {} : { auth: c.auth });
      const outcome = await s.connectOutcome();
      if (outcome.connected) {
        await upgraded(s.socket.io);
        outcome.welcome = describe((await s.next("welcome"))[0]);
        outcome.id = s.socket.id;
        s.socket.emit("echo", "admin echo", { n: i });
        outcome.echo = describe(await s.next("echo"));
        outcome.ack = describe(await withAck(s.socket, "ack", ["admin ack", i]));
      }
      outcomes.push(outcome);
      s.socket.disconnect();
    }
    return { outcomes };
  },

  /** options: namespaces; connects to each (own connection), reports connect or connect_error, welcome and echo. */
  async namespaces() {
    const outcomes = {};
    for (const nsp of options.namespaces) {
      const s = socketAt(nsp, nsp);
      const outcome = await s.connectOutcome();
      if (outcome.connected) {
        await upgraded(s.socket.io);
        outcome.welcome = describe((await s.next("welcome"))[0]);
        s.socket.emit("echo", `echo on ${nsp}`);
        outcome.echo = describe(await s.next("echo"));
      }
      outcomes[nsp] = outcome;
      s.socket.disconnect();
    }
    return { outcomes };
  },

  /** Sends echo(<size> x "a"); reports the echo (its length and whether intact) or the disconnect. options: size. */
  async size() {
    const a = socketAt("client", "/");
    await ready(a);
    const transport = transportOf(a);
    const text = "a".repeat(options.size);
    a.socket.emit("echo", text);
    const { event, args } = await a.first(["echo", "disconnect"]);
    const first = event === "echo"
      ? { kind: "echo", length: typeof args[0] === "string" ? args[0].length : null, intact: args[0] === text }
      : { kind: "disconnect", reason: args[0], details: args[1] };
    return { transport, ...first, connected: a.socket.connected };
  },

  /** options: clients, count. Each client sends count numbered echoes at once and records what comes back. */
  async load() {
    const clients = [];
    for (let i = 0; i < options.clients; i++) {
      const s = io(baseUrl + "/", { ...clientOptions, forceNew: true });
      opened.push(s);
      const client = { index: i, socket: s, seqs: [], wrongClient: 0, wrongText: 0 };
      clients.push(client);
      client.finished = new Promise((resolve) => {
        s.on("echo", (index, seq, text) => {
          if (index !== i) client.wrongClient++;
          if (text !== `client ${index} message ${seq}`) client.wrongText++;
          client.seqs.push(seq);
          if (client.seqs.length === options.count) resolve();
        });
      });
      client.connected = new Promise((resolve, reject) => {
        s.on("connect", resolve);
        s.on("connect_error", (err) => reject(new Error(`client ${i}: connect_error ${err.message}`)));
      });
      s.on("connect", () => {
        for (let seq = 0; seq < options.count; seq++) s.emit("echo", i, seq, `client ${i} message ${seq}`);
      });
    }
    await Promise.all(clients.map((c) => c.connected));
    const all = Promise.all(clients.map((c) => c.finished));
    const loadWait = options.loadWaitMs ?? 90000;
    let timer;
    await Promise.race([
      all,
      new Promise((resolve) => {
        timer = setTimeout(resolve, loadWait);
      }),
    ]);
    clearTimeout(timer);
    // Anything more that is already on its way would show as a duplicate: one more round trip per client flushes it.
    await Promise.all(clients.map((c) => withAck(c.socket, "ack", ["flush"])));
    return {
      clients: clients.map((c) => ({
        index: c.index,
        seqs: c.seqs,
        wrongClient: c.wrongClient,
        wrongText: c.wrongText,
        transport: c.socket.io.engine.transport.name,
      })),
    };
  },

  /**
   * a connects and asks count; b and c (b on a manager with /dyn-count too) connect; counts; c asks disconnect-me;
   * counts; b disconnects itself from / and makes one round trip on /dyn-count (same connection, so the server has
   * processed the disconnect); counts; an /admin socket connects; counts.
   */
  async count() {
    const counts = {};
    const a = socketAt("a", "/");
    await ready(a);
    counts.one = (await withAck(a.socket, "count", []))[0];
    const bManager = new Manager(baseUrl, clientOptions);
    const b = new Recorder("b", bManager.socket("/"));
    const bDyn = new Recorder("b dyn", bManager.socket("/dyn-count"));
    const c = socketAt("c", "/");
    for (const s of [b, bDyn, c]) await ready(s);
    counts.three = (await withAck(a.socket, "count", []))[0];
    counts.threeAskedByC = (await withAck(c.socket, "count", []))[0];
    c.socket.emit("disconnect-me");
    const [cReason] = await c.next("disconnect");
    counts.afterDisconnectMe = (await withAck(a.socket, "count", []))[0];
    b.socket.disconnect();
    bDyn.socket.emit("echo", "after b left /");
    await bDyn.next("echo");
    counts.afterClientDisconnect = (await withAck(a.socket, "count", []))[0];
    const admin = socketAt("admin", "/admin", { auth: { token: "secret" } });
    await ready(admin);
    counts.withAdmin = (await withAck(a.socket, "count", []))[0];
    return { counts, cReason };
  },

  /** Connects, prints {"event":"ready"}, then reports the disconnect (the test stops the server meanwhile). */
  async "server-close"() {
    const a = socketAt("client", "/");
    await ready(a);
    emit("ready", { id: a.socket.id, transport: transportOf(a) });
    const [reason, details] = await a.next("disconnect", options.disconnectWaitMs ?? 45000);
    return { reason, details, transport: transportOf(a) };
  },
};

/** Every event of that name each recorder received, in order (waits consume the queues, not the log). */
function received(recorders, event) {
  return { received: Object.fromEntries(recorders.map((r) => [r.name, r.log.get(event) ?? []])) };
}

const run = scenarios[scenario];
if (!run) fail(`unknown scenario '${scenario}'`);
run().then(done, (err) => fail(err?.stack ?? String(err)));
