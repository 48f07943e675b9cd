// Runs a JavaScript developer's checklist against a TypedIo server in a real, headless Chromium, for
// tests/TypedIo.Tests/Browser/BrowserInteropTests.cs.
//
//   node browser/run.mjs --url http://127.0.0.1:PORT --expect connect|blocked
//                        [--cases polling,websocket,default] [--timeout-ms 20000] [--overall-ms 180000]
//
//   --url      the server's origin (the conformance fixture, default profile)
//   --expect   connect: the server allows the page's origin (fixture started with --cors "*"); every case connects,
//                echoes binary through `echo` and gets acks through `ack`.
//              blocked: the server has no CORS configured; every case must end in connect_error (polling: the
//                browser blocks the cross-origin XHR; websocket: the server refuses the foreign Origin).
//   --cases    which transports to try: polling (polling only), websocket (websocket only), default (polling, then
//              the upgrade to websocket). All three unless given.
//
// It serves a test page (index.html, checklist.js and socket.io-client's own browser bundle,
// node_modules/socket.io-client/dist/socket.io.min.js) from a tiny static HTTP server on a free port of 127.0.0.1, so
// the page's origin differs from the server's by its port, then opens the page in Chromium (one fresh browser
// context per case) and calls window.runCase there (see checklist.js).
//
// Chromium is Debian's /usr/bin/chromium (package `chromium`; tests/ensure-chromium.sh installs it), driven by
// playwright-core; TYPEDIO_CHROMIUM overrides the path. Playwright's own browser download is not used.
//
// Prints one JSON object per line on stdout: {"event":"listening",...}, {"event":"control",...} (a plain Node
// request to the server, to tell "blocked by the browser" from "server down"), {"event":"case",...} per case (the
// page's result plus the browser console and network failures seen meanwhile), and {"event":"done","ok":...}.
// Exit code 0 when every case and the control are as expected, 1 when one is not, 2 on a usage or launch error
// ({"event":"error",...}), 3 on the overall timeout ({"event":"error",...}).

import { createServer } from "node:http";
import { existsSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const jsRoot = dirname(here);
const startedAt = performance.now();

function emit(event, fields = {}) {
  // Writes to a pipe are synchronous on Linux, so nothing is lost when we exit right after.
  process.stdout.write(JSON.stringify({ event, ...fields, ms: Math.round(performance.now() - startedAt) }) + "\n");
}

let browser = null;
let server = null;
let userDataDir = null;

async function cleanup() {
  try {
    await browser?.close();
  } catch {
    // Already gone.
  }
  server?.closeAllConnections?.();
  server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

let ending = false;

function fatal(message, code = 2) {
  // Only the first fatal error counts: closing the browser makes the main flow fail in its turn.
  if (ending) return;
  ending = true;
  emit("error", { message });
  // Close the browser, but never wait long for it: Playwright also kills it when this process exits.
  Promise.race([cleanup(), new Promise((r) => setTimeout(r, 5000))]).finally(() => process.exit(code));
}

process.on("uncaughtException", (err) => fatal(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => fatal(`unhandled rejection: ${err?.stack ?? err}`));

// ---- arguments ----

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--([a-z-]+)$/.exec(argv[i]);
  if (!m || i + 1 >= argv.length) {
    fatal(`bad argument '${argv[i]}'; usage: run.mjs --url URL --expect connect|blocked [--cases ...] [--timeout-ms N] [--overall-ms N]`);
    await new Promise(() => {});
  }
  args[m[1]] = argv[++i];
}
const serverUrl = args.url;
const expect = args.expect;
const timeoutMs = Number(args["timeout-ms"] ?? 20000);
const overallMs = Number(args["overall-ms"] ?? 180000);
const caseNames = (args.cases ?? "polling,websocket,default").split(",");
const allCases = {
  polling: { name: "polling", transports: ["polling"] },
  websocket: { name: "websocket", transports: ["websocket"] },
  default: { name: "default", transports: null },
};
if (!serverUrl || !["connect", "blocked"].includes(expect) || caseNames.some((c) => !allCases[c]) ||
    !(timeoutMs > 0) || !(overallMs > 0)) {
  fatal(`bad arguments ${JSON.stringify(args)}; usage: run.mjs --url URL --expect connect|blocked [--cases polling,websocket,default]`);
  await new Promise(() => {});
}
const serverOrigin = new URL(serverUrl).origin;

const overallTimer = setTimeout(() => fatal(`overall timeout: not finished within ${overallMs} ms`, 3), overallMs);

const chromiumPath = process.env.TYPEDIO_CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  fatal(`Chromium is not installed at ${chromiumPath}: install Debian's package 'chromium' ` +
    "(apt-get install -y chromium, or run tests/ensure-chromium.sh as root).");
  await new Promise(() => {});
}

// ---- the page's own origin: a tiny static server ----

const files = {
  "/": { path: join(here, "index.html"), type: "text/html; charset=utf-8" },
  "/index.html": { path: join(here, "index.html"), type: "text/html; charset=utf-8" },
  "/favicon.ico": null,
  "/checklist.js": { path: join(here, "checklist.js"), type: "text/javascript; charset=utf-8" },
  "/socket.io.min.js": {
    path: join(jsRoot, "node_modules", "socket.io-client", "dist", "socket.io.min.js"),
    type: "text/javascript; charset=utf-8",
  },
};
for (const f of Object.values(files)) {
  if (f && !existsSync(f.path)) {
    fatal(`missing ${f.path}` + (f.path.includes("node_modules") ? ": run `npm ci` in tests/js" : ""));
    await new Promise(() => {});
  }
}

server = createServer((req, res) => {
  const pathname = new URL(req.url, "http://x").pathname;
  const file = files[pathname];
  if (file === null) {
    res.writeHead(204).end(); // no icon, and no 404 in the console
    return;
  }
  if (req.method !== "GET" || !file) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(readFileSync(file.path));
});
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(0, "127.0.0.1", resolve);
});
const pageOrigin = `http://127.0.0.1:${server.address().port}`;
emit("listening", { pageOrigin, serverOrigin, expect, cases: caseNames });

// ---- control: the server is up, and what it grants this origin (seen by Node, not subject to CORS) ----

const control = { ok: false };
try {
  const response = await fetch(`${serverOrigin}/socket.io/?EIO=4&transport=polling`, {
    headers: { Origin: pageOrigin },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  control.status = response.status;
  control.accessControlAllowOrigin = response.headers.get("access-control-allow-origin");
  control.handshake = body.startsWith("0{");
  control.body = body.slice(0, 200);
  control.ok = response.status === 200 && control.handshake &&
    (expect === "connect"
      ? control.accessControlAllowOrigin === "*" || control.accessControlAllowOrigin === pageOrigin
      : control.accessControlAllowOrigin === null);
} catch (err) {
  control.error = String(err?.message ?? err);
}
emit("control", control);

// ---- the browser ----

// Playwright makes its own fresh, empty profile for launch() (and refuses a --user-data-dir argument); the
// temporary folder below only keeps Chromium's other writes (crash dumps) out of $HOME.
userDataDir = mkdtempSync(join(tmpdir(), "typedio-chromium-"));
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60000,
    env: { ...process.env, HOME: userDataDir },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
} catch (err) {
  fatal(`could not launch Chromium at ${chromiumPath}: ${err?.message ?? err}`);
  await new Promise(() => {});
}
emit("browser", { version: browser.version() });

const results = [];
for (const name of caseNames) {
  const config = { ...allCases[name], url: serverOrigin, expect, timeoutMs };
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = [];
  const network = [];
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(serverOrigin)) network.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.url().startsWith(serverOrigin)) {
      const acao = r.headers()["access-control-allow-origin"];
      network.push(`${r.status()} ${r.request().method()} ${r.url()}` + (acao === undefined ? "" : ` (allow-origin ${acao})`));
    }
  });
  page.on("websocket", (ws) => {
    network.push(`websocket ${ws.url()}`);
    ws.on("socketerror", (e) => network.push(`websocket error ${ws.url()}: ${e}`));
    ws.on("close", () => network.push(`websocket closed ${ws.url()}`));
  });

  let result;
  try {
    await page.goto(`${pageOrigin}/`, { timeout: timeoutMs, waitUntil: "load" });
    const hasClient = await page.evaluate(() => typeof window.io === "function" && typeof window.runCase === "function");
    if (!hasClient) throw new Error("the page has no `io` or `runCase` (the bundle or checklist.js did not load)");
    // The page enforces timeoutMs on every single wait; this bounds the whole case as well.
    result = await Promise.race([
      page.evaluate((c) => window.runCase(c), config),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`case not finished within ${timeoutMs * 8} ms`)), timeoutMs * 8)),
    ]);
  } catch (err) {
    result = { name, ok: false, checks: [{ name: "run the case in the page", ok: false, detail: String(err?.message ?? err) }] };
  }
  await context.close();
  if (expect === "blocked" && Array.isArray(result.checks)) {
    // Why it failed, as the browser saw it: the CORS check of the polling XHR, or the refused WebSocket handshake.
    if (config.transports?.[0] === "websocket") {
      const refusal = network.find((n) => /^websocket error .*Unexpected response code: 4\d\d/.test(n));
      result.checks.push({ name: "the server refused the WebSocket handshake (4xx)", ok: !!refusal, detail: refusal ?? null });
    } else {
      const blocked = consoleLines.find((l) => l.includes("has been blocked by CORS policy"));
      result.checks.push({ name: "the browser blocked the polling request by CORS policy", ok: !!blocked, detail: blocked ?? null });
    }
    result.ok = result.ok && result.checks.every((c) => c.ok);
  }
  const dropped = Math.max(0, network.length - 40);
  result = {
    ...result,
    console: consoleLines.slice(0, 40),
    network: dropped ? [...network.slice(0, 40), `(${dropped} more)`] : network,
  };
  results.push(result);
  emit("case", result);
}

clearTimeout(overallTimer);
const ok = control.ok && results.length === caseNames.length && results.every((r) => r.ok);
emit("done", {
  ok,
  control: control.ok,
  cases: results.map((r) => ({ name: r.name, ok: r.ok, failed: r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${typeof c.detail === "string" ? c.detail : JSON.stringify(c.detail)}`),
  })),
});
await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 10000))]);
process.exit(ok ? 0 : 1);
