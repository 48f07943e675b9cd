// The browser side of tests/js/browser/run.mjs: a JavaScript developer's checklist against a TypedIo server, run in a
// real Chromium on a page whose origin differs from the server's (another port). It uses socket.io-client's browser
// bundle (the global `io`) exactly as a web page would.
//
// window.runCase(config) runs one case and resolves with a plain result object (never rejects):
//   config.name        a label for the report
//   config.url         the server's origin, e.g. http://127.0.0.1:5000
//   config.transports  ["polling"] | ["websocket"] | null (the default: polling, then upgrade to websocket)
//   config.expect      "connect": connect and run the checklist | "blocked": the connection must fail (connect_error)
//   config.timeoutMs   the limit for every single wait
//
// Result: { name, pageOrigin, serverOrigin, ok, checks: [{ name, ok, detail }], connectError?, transport? }.
// Every wait is on an event with a timeout; nothing sleeps.
"use strict";

(function () {
  /** Resolves with the arguments of the first `event` on `emitter`; rejects after `ms`. */
  function once(emitter, event, ms, what) {
    return new Promise(function (resolve, reject) {
      const timer = setTimeout(function () {
        emitter.off(event, handler);
        reject(new Error("timed out after " + ms + " ms waiting for " + (what || "'" + event + "'")));
      }, ms);
      function handler() {
        clearTimeout(timer);
        emitter.off(event, handler);
        resolve(Array.prototype.slice.call(arguments));
      }
      emitter.on(event, handler);
    });
  }

  /** Resolves with the first of several events: { event, args }; rejects after `ms`. */
  function first(emitter, events, ms, what) {
    return new Promise(function (resolve, reject) {
      const handlers = {};
      function cleanup() {
        clearTimeout(timer);
        events.forEach(function (e) { emitter.off(e, handlers[e]); });
      }
      const timer = setTimeout(function () {
        cleanup();
        reject(new Error("timed out after " + ms + " ms waiting for " + what));
      }, ms);
      events.forEach(function (e) {
        handlers[e] = function () {
          cleanup();
          resolve({ event: e, args: Array.prototype.slice.call(arguments) });
        };
        emitter.on(e, handlers[e]);
      });
    });
  }

  /** Emits with an acknowledgement and resolves with all the ack's arguments; rejects on the client's ack timeout. */
  function emitWithAllAckArgs(socket, ms, event, args) {
    return new Promise(function (resolve, reject) {
      const withTimeout = socket.timeout(ms);
      withTimeout.emit.apply(withTimeout, [event].concat(args, [function (err) {
        if (err) reject(new Error("no acknowledgement of '" + event + "' within " + ms + " ms: " + err.message));
        else resolve(Array.prototype.slice.call(arguments, 1));
      }]));
    });
  }

  /** Deterministic test bytes. */
  function bytes(length, seed) {
    const a = new Uint8Array(length);
    for (let i = 0; i < length; i++) a[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
    return a;
  }

  function asBytes(x) {
    if (x instanceof ArrayBuffer) return new Uint8Array(x);
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    return null;
  }

  function jsType(x) {
    if (x === null) return "null";
    if (x instanceof ArrayBuffer) return "ArrayBuffer(" + x.byteLength + ")";
    if (ArrayBuffer.isView(x)) return x.constructor.name + "(" + x.byteLength + ")";
    if (typeof Blob !== "undefined" && x instanceof Blob) return "Blob(" + x.size + ")";
    if (Array.isArray(x)) return "Array(" + x.length + ")";
    return typeof x;
  }

  /** Deep equality where binary (any ArrayBuffer or view) compares by bytes; returns null or where they differ. */
  function difference(expected, actual, path) {
    path = path || "$";
    const e = asBytes(expected);
    if (e !== null) {
      const a = asBytes(actual);
      if (a === null) return path + ": expected binary " + jsType(expected) + ", got " + jsType(actual);
      if (a.length !== e.length) return path + ": expected " + e.length + " bytes, got " + a.length;
      for (let i = 0; i < e.length; i++) {
        if (a[i] !== e[i]) return path + ": byte " + i + " is " + a[i] + ", expected " + e[i];
      }
      return null;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return path + ": expected an array, got " + jsType(actual);
      if (actual.length !== expected.length) return path + ": expected " + expected.length + " items, got " + actual.length;
      for (let i = 0; i < expected.length; i++) {
        const d = difference(expected[i], actual[i], path + "[" + i + "]");
        if (d) return d;
      }
      return null;
    }
    if (expected !== null && typeof expected === "object") {
      if (actual === null || typeof actual !== "object" || Array.isArray(actual) || asBytes(actual) !== null)
        return path + ": expected an object, got " + jsType(actual);
      const ek = Object.keys(expected).sort();
      const ak = Object.keys(actual).sort();
      if (JSON.stringify(ek) !== JSON.stringify(ak))
        return path + ": expected keys " + JSON.stringify(ek) + ", got " + JSON.stringify(ak);
      for (const k of ek) {
        const d = difference(expected[k], actual[k], path + "." + k);
        if (d) return d;
      }
      return null;
    }
    return Object.is(expected, actual) ? null : path + ": expected " + JSON.stringify(expected) + ", got " + JSON.stringify(actual);
  }

  /** Every binary value received, with its type, for the report (the browser build delivers ArrayBuffer). */
  function binaryTypes(x, out) {
    out = out || [];
    if (asBytes(x) !== null) out.push(jsType(x));
    else if (Array.isArray(x)) x.forEach(function (v) { binaryTypes(v, out); });
    else if (x !== null && typeof x === "object") Object.keys(x).forEach(function (k) { binaryTypes(x[k], out); });
    return out;
  }

  function describeError(err) {
    if (!err) return String(err);
    const d = { message: err.message };
    if (err.type !== undefined) d.type = String(err.type);
    if (err.description !== undefined) {
      const desc = err.description;
      if (desc && typeof desc === "object") {
        d.description = desc.message || (desc.type ? "event: " + desc.type : String(desc));
        if (typeof desc.status === "number") d.status = desc.status;
      } else {
        d.description = String(desc);
      }
    }
    if (err.data !== undefined) d.data = err.data;
    return d;
  }

  async function runCase(config) {
    const ms = config.timeoutMs || 15000;
    const result = {
      name: config.name,
      pageOrigin: location.origin,
      serverOrigin: new URL(config.url).origin,
      transports: config.transports || "default",
      expect: config.expect,
      checks: [],
      ok: false,
    };
    function check(name, ok, detail) {
      result.checks.push({ name: name, ok: !!ok, detail: detail === undefined ? null : detail });
      return !!ok;
    }
    async function step(name, body) {
      try {
        const detail = await body();
        return check(name, true, detail);
      } catch (err) {
        return check(name, false, err && err.message ? err.message : String(err));
      }
    }

    check("page is cross-origin", result.pageOrigin !== result.serverOrigin,
      "page " + result.pageOrigin + ", server " + result.serverOrigin);

    const auth = { user: "browser", n: 1 };
    const options = { reconnection: false, forceNew: true, timeout: ms, auth: auth };
    if (config.transports) options.transports = config.transports;
    const socket = io(config.url, options);
    const engine = socket.io.engine;
    result.initialTransport = engine && engine.transport ? engine.transport.name : null;
    const upgraded = engine ? once(engine, "upgrade", ms, "the upgrade to websocket") : Promise.reject(new Error("no engine"));
    upgraded.catch(function () { /* observed below where it matters */ });
    const welcome = once(socket, "welcome", ms, "the 'welcome' event");
    welcome.catch(function () { /* observed below */ });
    let connectedEver = false;
    socket.on("connect", function () { connectedEver = true; });

    try {
      let outcome;
      try {
        outcome = await first(socket, ["connect", "connect_error"], ms, "connect or connect_error");
      } catch (err) {
        check("connection outcome", false, err.message);
        return result;
      }

      if (config.expect === "blocked") {
        if (outcome.event === "connect_error") result.connectError = describeError(outcome.args[0]);
        check("connect_error (the connection is refused)", outcome.event === "connect_error",
          outcome.event === "connect" ? "connected with id " + socket.id + " over " + engine.transport.name : result.connectError);
        check("never connected", !connectedEver && !socket.connected, null);
        result.ok = result.checks.every(function (c) { return c.ok; });
        return result;
      }

      if (outcome.event === "connect_error") {
        result.connectError = describeError(outcome.args[0]);
        check("connect", false, result.connectError);
        return result;
      }
      check("connect", socket.connected && typeof socket.id === "string", "id " + socket.id);

      await step("welcome carries the socket id and the auth payload", async function () {
        const args = await welcome;
        const d = difference([{ id: socket.id, auth: auth }], args);
        if (d) throw new Error(d + " (welcome args: " + JSON.stringify(args) + ")");
        return "id " + socket.id;
      });

      await step("transport", async function () {
        const wanted = config.transports ? config.transports[0] : "websocket";
        if (!config.transports) {
          if (result.initialTransport !== "polling")
            throw new Error("the default connection started on " + result.initialTransport + ", expected polling");
          if (engine.transport.name !== "websocket") await upgraded;
        }
        if (engine.transport.name !== wanted) throw new Error("on " + engine.transport.name + ", expected " + wanted);
        return config.transports ? engine.transport.name : "polling, upgraded to websocket";
      });
      result.transport = engine.transport.name;

      async function echo(name, args) {
        await step(name, async function () {
          const reply = once(socket, "echo", ms, "the 'echo' reply");
          socket.emit.apply(socket, ["echo"].concat(args));
          const got = await reply;
          const d = difference(args, got);
          if (d) throw new Error(d);
          const types = binaryTypes(got);
          if (!types.every(function (t) { return t.indexOf("ArrayBuffer(") === 0; }))
            throw new Error("binary came back as " + types.join(", ") + " (expected ArrayBuffer in the browser)");
          return types.join(", ");
        });
      }

      await echo("echo Uint8Array (256 bytes)", [bytes(256, 1)]);
      await echo("echo ArrayBuffer (64 KiB)", [bytes(65536, 2).buffer]);
      await echo("echo a Uint8Array view into a larger buffer", [new Uint8Array(bytes(100, 3).buffer, 10, 50)]);
      await echo("echo binary nested in JSON with text and numbers", [
        "text é ✓",
        { nested: [bytes(3, 4), { deep: bytes(1000, 5).buffer }], n: 42, ok: true, nothing: null },
        bytes(7, 6),
      ]);
      await echo("echo an empty Uint8Array", [new Uint8Array(0)]);
      await echo("echo JSON only", [1, "two", { three: [3] }]);

      await step("ack with JSON and binary arguments", async function () {
        const args = ["hello", 7, { a: [1, 2], b: null }, bytes(100, 7)];
        const got = await emitWithAllAckArgs(socket, ms, "ack", args);
        const d = difference(args, got);
        if (d) throw new Error(d + " (ack args: " + JSON.stringify(got) + ")");
        return binaryTypes(got).join(", ");
      });
      await step("ack with no arguments", async function () {
        const got = await emitWithAllAckArgs(socket, ms, "ack", []);
        if (got.length !== 0) throw new Error("ack came with " + got.length + " arguments: " + JSON.stringify(got));
        return null;
      });
      await step("ack with an ArrayBuffer", async function () {
        const args = [bytes(4096, 8).buffer];
        const got = await emitWithAllAckArgs(socket, ms, "ack", args);
        const d = difference(args, got);
        if (d) throw new Error(d);
        return binaryTypes(got).join(", ");
      });

      await step("still on the expected transport, still connected", async function () {
        const wanted = config.transports ? config.transports[0] : "websocket";
        if (engine.transport.name !== wanted) throw new Error("on " + engine.transport.name + ", expected " + wanted);
        if (!socket.connected) throw new Error("disconnected");
        return null;
      });

      await step("client disconnect", async function () {
        const closed = once(socket, "disconnect", ms, "'disconnect'");
        socket.disconnect();
        const args = await closed;
        if (args[0] !== "io client disconnect") throw new Error("disconnect reason " + JSON.stringify(args[0]));
        return args[0];
      });

      result.ok = result.checks.every(function (c) { return c.ok; });
      return result;
    } catch (err) {
      check("unexpected exception", false, err && err.stack ? err.stack : String(err));
      return result;
    } finally {
      socket.disconnect();
      socket.io.engine && socket.io.engine.close();
    }
  }

  window.runCase = runCase;
})();
