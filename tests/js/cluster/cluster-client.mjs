// Shared helpers of the cluster scripts: real socket.io-client 4.8.1 sockets whose every event is recorded (so a
// wait never misses an event that came before it), JSON output for the tests, and binary described as {"$bin": b64}.
import { io } from "socket.io-client";

const startedAt = performance.now();
const opened = [];

/** Prints one JSON line {"event": name, ...fields}; the C# side (NodeScript) reads these. */
export function print(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields, ms: Math.round(performance.now() - startedAt) }) + "\n");
}

/** Prints an error event, closes every socket and exits with code 1. */
export function fail(message) {
  print("error", { message });
  closeAll().finally(() => process.exit(1));
}

/** Fails after timeoutMs; catches every uncaught error. */
export function guard(timeoutMs) {
  const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
  process.on("uncaughtException", (err) => fail(`uncaught exception: ${err?.stack ?? err}`));
  process.on("unhandledRejection", (err) => fail(`unhandled rejection: ${err?.stack ?? err}`));
  return timer;
}

/** Prints the result, closes every socket and exits with code 0. */
export async function finish(result) {
  print("result", result);
  await closeAll();
  print("done");
  process.exit(0);
}

/**
 * Disconnects every socket and waits (at most 2 s) until their connections are closed: a polling client's goodbye
 * is an HTTP request of its own, lost if the process exits first, and the node would then keep the socket until
 * the ping timeout, in the way of the next test's cluster-wide checks.
 */
export async function closeAll() {
  const closed = opened.map((socket) => {
    const engine = socket.io.engine;
    if (!engine || engine.readyState === "closed") return Promise.resolve();
    return new Promise((resolve) => engine.once("close", resolve));
  });
  for (const socket of opened) socket.disconnect();
  await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 2000))]);
}

/** JSON for a received value: binary becomes {"$bin": base64}. */
export function describe(value) {
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $bin: bytes.toString("base64") };
  }
  if (Array.isArray(value)) return value.map(describe);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
}

const transportsByMode = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] };

/** A socket whose events are all queued until consumed. */
export class Client {
  constructor(name, socket) {
    this.name = name;
    this.socket = socket;
    this.queues = new Map();
    this.waiters = new Set();
    socket.on("connect", () => this.push("connect", []));
    socket.on("connect_error", (err) => this.push("connect_error", [err.message]));
    socket.on("disconnect", (reason) => this.push("disconnect", [reason]));
    socket.onAny((event, ...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
      if (ack && this.answer) ack(this.answer(event, args));
      this.push(event, args);
    });
    opened.push(socket);
  }

  get id() {
    return this.socket.id;
  }

  push(event, args) {
    if (!this.queues.has(event)) this.queues.set(event, []);
    this.queues.get(event).push(args);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with the next not yet consumed event among `events` (the first listed wins a tie): {event, args}. */
  first(events, ms = 10000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (const event of events) {
          const queue = this.queues.get(event);
          if (queue?.length) {
            cleanup();
            resolve({ event, args: queue.shift() });
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${events.join(" or ")} within ${ms} ms`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async next(event, ms) {
    return (await this.first([event], ms)).args;
  }

  /** Whether an event of that name was received and not consumed. */
  has(event) {
    return (this.queues.get(event)?.length ?? 0) > 0;
  }

  /** Emits with an ack and resolves with the ack's first argument. */
  call(event, ...args) {
    return this.socket.timeout(10000).emitWithAck(event, ...args);
  }
}

/** Connects a recorded socket to url (namespace `/` unless given) and waits for its `welcome`. */
export async function connect(name, url, { mode = "websocket", nsp = "/", auth, extra = {} } = {}) {
  const socket = io(url.replace(/\/+$/, "") + nsp, {
    transports: transportsByMode[mode],
    upgrade: mode === "upgrade",
    reconnection: false,
    forceNew: true,
    timeout: 10000,
    auth,
    ...extra,
  });
  const client = new Client(name, socket);
  const { event, args } = await client.first(["welcome", "connect_error"]);
  if (event === "connect_error") throw new Error(`${name}: connect_error ${args[0]}`);
  client.welcome = args;
  return client;
}

/** Retries `probe` until `done(value)` holds; resolves with the last value, or rejects after ms. */
export async function until(what, probe, done, ms = 10000) {
  const deadline = performance.now() + ms;
  let value;
  for (;;) {
    value = await probe();
    if (done(value)) return value;
    if (performance.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
