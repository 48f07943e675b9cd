// The chat sample (samples/Chat) end to end in a real, headless Chromium, for
// tests/TypedIo.Tests/Samples/ChatSampleTests.cs:
//
//   node browser/chat.mjs <url> <admin-key>
//
// Two pages (Ada, an admin, and Bob) open the app, connect and join room "lobby", and check what the page shows:
// the connection state (connecting, then connected; a refused connection (a blank name) explained; reconnecting while Bob's browser is offline, connected again and
// back in the room afterwards; disconnected after signing out), the room list and the members, typing (also right
// after a send: the typing burst restarts), messages on both pages with own and others' messages styled apart and a
// timestamp each, refusals in words (a message over the length limit, a non-admin's "clear room"), an admin's clear,
// switching rooms; and, throughout, no console error or warning, no page error and no failed request on either page.
// The sample connects over WebSocket first; forceRefusalRace would make the long-polling race of a refused
// connection happen every time on a page that polls (see there).
// Chromium is Debian's /usr/bin/chromium (TYPEDIO_CHROMIUM overrides it), driven by playwright-core.
//
// TYPEDIO_CHAT_SCREENSHOTS=<folder> also saves PNGs of both pages mid-conversation (desktop and phone widths), to look
// at the page by eye.
//
// Prints {"event":"step","name":...} after each check and {"event":"done"} with exit 0; {"event":"error","message":...}
// with exit 1 when a check fails (the message says which, with both pages' text).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, adminKey] = process.argv.slice(2);
const screenshots = process.env.TYPEDIO_CHAT_SCREENSHOTS;
const print = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const home = mkdtempSync(join(tmpdir(), "typedio-chat-"));
const timeout = 10000;
let browser;
const pages = [];
/** Console errors and warnings, page errors and failed requests, per page; none is expected. */
const problems = [];
/** While a page's browser is offline on purpose, its failed requests are expected, not problems. */
const offline = new Set();

async function fail(message) {
  const texts = await Promise.all(pages.map((p) => p.locator("body").innerText().catch(() => "?")));
  print("error", { message, pages: texts, problems });
  releaseHeld();
  await browser?.close().catch(() => {});
  rmSync(home, { recursive: true, force: true });
  process.exit(1);
}

async function step(name, check) {
  try {
    const details = await check();
    print("step", { name, ...details });
  } catch (err) {
    await fail(`${name}: ${err?.message ?? err}`);
  }
}

const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout });
const expectText = (page, id, expected) =>
  waitFor(page, ([id, expected]) => document.getElementById(id)?.textContent?.includes(expected), [id, expected]);
const expectNoText = (page, id) => waitFor(page, (id) => document.getElementById(id)?.textContent === "", id);
const expectState = (page, state) => waitFor(page, (state) => document.getElementById("status")?.dataset.state === state, state);
const expectMembers = (page, names) =>
  waitFor(page, (names) => [...document.querySelectorAll("#members li")].map((i) => i.dataset.user).join() === names.join(), names);

async function snap(name) {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  const [ada, bob] = pages;
  await ada.screenshot({ path: join(screenshots, `${name}-ada.png`) });
  await bob.screenshot({ path: join(screenshots, `${name}-bob.png`) });
  await bob.setViewportSize({ width: 390, height: 740 });
  await bob.screenshot({ path: join(screenshots, `${name}-bob-phone.png`) });
  await bob.setViewportSize({ width: 1100, height: 700 });
}

setTimeout(() => fail("timed out"), 150000);
browser = await chromium.launch({
  executablePath: process.env.TYPEDIO_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  env: { ...process.env, HOME: home },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
});

/** Resolved when the script ends: releases whatever forceRefusalRace still holds. */
let releaseHeld;
const ending = new Promise((resolve) => { releaseHeld = resolve; });

/** A promise per key, resolved from outside: `const s = signals();` then `await s(key)` waits for `s(key).resolve()`. */
function signals() {
  const map = new Map();
  return (key) => {
    if (!map.has(key)) {
      let resolve;
      map.set(key, Object.assign(new Promise((r) => { resolve = r; }), { resolve }));
    }
    return map.get(key);
  };
}

/**
 * Makes a known race of socket.io-client's long polling certain instead of rare. When a refused connection's
 * CONNECT_ERROR (Engine.IO message "4" carrying Socket.IO packet "4") comes in a long-polling response, the client
 * starts its next GET and then, a microtask later, closes the engine with a close POST ("1"); when the POST reaches
 * the server first, the session is gone. Node's engine.io answers that GET with HTTP 400 "Session ID unknown", a
 * console error on the page; TypedIo answers it, within a second of the close, with the noop it would have got
 * waiting (docs/engine-io.md, "Where we differ"). To get there every time: a session's upgrade probe (a WebSocket with
 * a sid) sends nothing until the session's CONNECT has been answered over polling, and a GET that follows a
 * CONNECT_ERROR waits until the page's close POST has been answered. The chat sample connects over WebSocket first
 * (samples/Chat/ClientApp/app.ts) and never polls, so it does not meet the race at all.
 */
async function forceRefusalRace(page) {
  const answered = signals(); // sid -> its CONNECT answered (accepted "40" or refused "44") in a polling response
  const closed = signals(); // sid -> the page's close POST for it answered
  const lastGet = new Map(); // sid -> its latest long-polling GET
  const bodyOf = (request) => request.response().then((r) => r?.text()).catch(() => "").then((t) => t ?? "");
  const packets = /(^|\x1e)4([04])/; // packets of a polling payload are split by \x1e
  await page.route((u) => u.pathname.startsWith("/socket.io/") && u.searchParams.get("transport") === "polling", async (route) => {
    const request = route.request();
    const sid = new URL(request.url()).searchParams.get("sid");
    if (sid && request.method() === "POST" && request.postData() === "1") {
      await route.continue().catch(() => {});
      await request.response().catch(() => {});
      closed(sid).resolve();
      return;
    }
    if (sid && request.method() === "GET") {
      const previous = lastGet.get(sid);
      lastGet.set(sid, request);
      bodyOf(request).then((body) => { if (packets.test(body)) answered(sid).resolve(); });
      if (previous && packets.exec(await bodyOf(previous))?.[2] === "4") await Promise.race([closed(sid), ending]);
    }
    await route.continue().catch(() => {});
  });
  await page.routeWebSocket((u) => u.pathname.startsWith("/socket.io/") && u.searchParams.has("sid"), (ws) => {
    const server = ws.connectToServer();
    const held = Promise.race([answered(new URL(ws.url()).searchParams.get("sid")), ending]);
    ws.onMessage((message) => held.then(() => server.send(message)));
  });
}

async function open(name, key) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  await forceRefusalRace(page);
  page.on("pageerror", (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on("console", (m) => {
    if (["error", "warning"].includes(m.type()) && !offline.has(page)) problems.push(`${name}: console ${m.type()}: ${m.text()}`);
  });
  page.on("requestfailed", (r) => {
    if (!offline.has(page)) problems.push(`${name}: request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${name}: HTTP ${r.status()} ${r.url()}`); });
  // Every connection state the page shows, in order, however briefly.
  await page.addInitScript(() => {
    window.chatStates = [];
    new MutationObserver(() => {
      const state = document.getElementById("status")?.dataset.state;
      if (state && window.chatStates.at(-1) !== state) window.chatStates.push(state);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
  });
  pages.push(page);
  await page.goto(url);
  return page;
}

async function signIn(page, name, key) {
  await page.fill("#name", name);
  await page.fill("#room", "lobby");
  if (key) await page.fill("#adminKey", key);
  await page.click("#login button");
}

const ada = await open("Ada");
const bob = await open("Bob");

await step("connection state: connecting, then connected", async () => {
  await signIn(ada, "Ada", adminKey);
  await expectState(ada, "connected");
  await expectText(ada, "roomName", "lobby");
  const states = await ada.evaluate(() => window.chatStates);
  if (states.join() !== "connecting,connected") throw new Error(`states shown: ${states}`);
  await expectText(ada, "status", "Connected");
});

await step("a refused connection says why on the login form", async () => {
  await signIn(bob, "   ");
  await expectText(bob, "loginError", "The server refused the connection: Choose a name of 1 to 32 characters.");
  await expectState(bob, "disconnected");
  await signIn(bob, "Bob");
  await expectState(bob, "connected");
  await expectText(bob, "roomName", "lobby");
  const states = await bob.evaluate(() => window.chatStates);
  if (states.join() !== "connecting,disconnected,connecting,connected") throw new Error(`states shown: ${states}`);
});

await step("rooms and members: the room is listed as current, each sees both members, own name marked", async () => {
  for (const page of [ada, bob]) {
    await expectMembers(page, ["Ada", "Bob"]);
    const current = await page.$$eval("#rooms li.current", (items) => items.map((i) => i.textContent));
    if (current.join() !== "#lobby") throw new Error(`current room shown: ${current}`);
    await expectText(page, "memberCount", "(2)");
  }
  await expectText(ada, "members", "Ada (you)");
  await expectText(bob, "members", "Bob (you)");
});

await step("typing: Bob's typing shows on Ada's page", async () => {
  await bob.locator("#text").pressSequentially("hel");
  await expectText(ada, "typing", "Bob is typing");
});

await step("messages reach both pages, own and others' styled apart, each with its time", async () => {
  await bob.fill("#text", "hello from Bob");
  await bob.click("#send button");
  await expectText(ada, "log", "hello from Bob");
  await ada.fill("#text", "hi Bob, welcome to the lobby");
  await ada.click("#send button");
  for (const page of [ada, bob]) {
    await waitFor(page, () => document.querySelectorAll("#log li").length === 2);
    const shown = await page.$$eval("#log li", (items) => items.map((i) => {
      const time = i.querySelector("time");
      const body = i.querySelector(".body");
      return {
        user: i.dataset.user, mine: i.classList.contains("mine"), text: body.textContent,
        align: getComputedStyle(i).alignSelf, background: getComputedStyle(body).backgroundColor,
        datetime: time?.dateTime, time: time?.textContent, author: i.querySelector(".author")?.textContent,
      };
    }));
    const self = page === ada ? "Ada" : "Bob";
    const [fromBob, fromAda] = shown;
    if (fromBob.user !== "Bob" || fromBob.text !== "hello from Bob" || fromAda.user !== "Ada" || fromAda.text !== "hi Bob, welcome to the lobby")
      throw new Error(`${self} shows ${JSON.stringify(shown)}`);
    for (const m of shown) {
      if (m.mine !== (m.user === self)) throw new Error(`${self}: ${m.user}'s message is ${m.mine ? "" : "not "}marked as own`);
      if (m.author !== m.user) throw new Error(`${self}: ${m.user}'s message names ${m.author}`);
      const sentAt = Date.parse(m.datetime);
      if (!(Math.abs(Date.now() - sentAt) < 120000) || !/\d{1,2}.\d{2}/.test(m.time))
        throw new Error(`${self}: ${m.user}'s message has the time ${m.time} (${m.datetime})`);
    }
    const own = shown.find((m) => m.mine), other = shown.find((m) => !m.mine);
    if (own.align !== "flex-end" || other.align !== "flex-start" || own.background === other.background)
      throw new Error(`${self}: own and others' messages look alike: ${JSON.stringify(shown)}`);
  }
  await expectNoText(ada, "typing");
});

await step("typing right after a send shows on the other page again", async () => {
  await bob.locator("#text").pressSequentially("one more");
  await expectText(ada, "typing", "Bob is typing");
  const sentAt = performance.now();
  await bob.click("#send button");
  // Within the 1.5 s idle time after the send: the typing burst must start over and tell Ada again.
  await bob.locator("#text").pressSequentially("and");
  const typedWithinMs = Math.round(performance.now() - sentAt);
  await expectText(ada, "log", "one more");
  await expectText(ada, "typing", "Bob is typing");
  await snap("conversation");
  // ... and stops by itself once Bob stops typing.
  await expectNoText(ada, "typing");
  await bob.fill("#text", "");
  return { typedWithinMs };
});

await step("a too-long message is refused, and the page says why in words", async () => {
  await bob.fill("#text", "x".repeat(281));
  await expectText(bob, "counter", "281/280");
  await bob.click("#send button");
  await expectText(bob, "error", "Could not send the message: A message has at most 280 characters.");
  await expectText(bob, "error", "validation_failed");
  const shown = await ada.locator("#log").textContent();
  if (shown.includes("xxxxxxxx")) throw new Error("the refused message reached Ada");
  await bob.fill("#text", "");
});

await step("a non-admin's admin action is refused, and the page says why in words", async () => {
  await bob.click("#clear");
  await expectText(bob, "error", "Could not clear #lobby: only an admin may do that");
  await expectText(bob, "error", "forbidden");
  const kept = await ada.locator("#log").textContent();
  if (!kept.includes("hello from Bob")) throw new Error("the room was cleared");
  await snap("refused");
});

await step("an admin's admin action clears the room on both pages", async () => {
  await ada.click("#clear");
  await expectText(ada, "notice", "You cleared 3 messages from #lobby.");
  await expectText(bob, "notice", "cleared by an admin");
  for (const page of [ada, bob])
    await waitFor(page, () => document.querySelectorAll("#log li").length === 0);
});

await step("switching rooms: the room list and the members follow", async () => {
  await bob.fill("#nextRoom", "random");
  await bob.click("#switch button");
  await expectText(bob, "roomName", "random");
  await expectMembers(bob, ["Bob"]);
  await expectMembers(ada, ["Ada"]);
  const rooms = await bob.$$eval("#rooms li", (items) => items.map((i) => `${i.textContent}${i.classList.contains("current") ? "*" : ""}`));
  if (rooms.join() !== "#lobby,#random*") throw new Error(`rooms shown: ${rooms}`);
  await bob.click('#rooms li[data-room="lobby"]');
  await expectText(bob, "roomName", "lobby");
  await expectMembers(ada, ["Ada", "Bob"]);
});

await step("connection state: reconnecting while offline, then connected and back in the room", async () => {
  // socket.io-client drops the connection on the browser's "offline" event (it does not listen for it on a
  // "localhost" page, so give the script a 127.0.0.1 URL); it reconnects on its own once back online.
  const context = bob.context();
  offline.add(bob);
  await context.setOffline(true);
  await expectState(bob, "reconnecting");
  await expectText(bob, "status", "Reconnecting");
  if (!(await bob.locator("#text").isDisabled())) throw new Error("the composer is usable while reconnecting");
  await snap("reconnecting");
  await context.setOffline(false);
  await expectState(bob, "connected");
  offline.delete(bob);
  await expectMembers(bob, ["Ada", "Bob"]);
  await expectMembers(ada, ["Ada", "Bob"]);
  await bob.fill("#text", "back again");
  await bob.click("#send button");
  await expectText(ada, "log", "back again");
});

await step("connection state: signing out disconnects, and the others see Bob leave", async () => {
  await bob.click("#signOut");
  await expectState(bob, "disconnected");
  await waitFor(bob, () => !document.getElementById("loginView").hidden && document.getElementById("chat").hidden);
  await expectMembers(ada, ["Ada"]);
  await snap("signed-out");
});

await step("no console errors or warnings, page errors or failed requests on either page", async () => {
  if (problems.length > 0) throw new Error(problems.join("\n"));
});

print("done");
releaseHeld();
await browser.close();
rmSync(home, { recursive: true, force: true });
process.exit(0);
