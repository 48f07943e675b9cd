// The chat sample (samples/Chat) end to end in a real, headless Chromium, for
// tests/TypedIo.Tests/Samples/ChatSampleTests.cs:
//
//   node browser/chat.mjs <url> <admin-key>
//
// Two pages (Ada, an admin, and Bob) open the app, connect and join room "lobby": each sees the other in the room's
// members; Bob's typing shows on Ada's page; their messages reach both pages; a message over the length limit is
// refused with the validation message shown on the page; Bob's "clear room" (not an admin) is refused as
// forbidden, Ada's clears the room on both pages. Chromium is Debian's /usr/bin/chromium (TYPEDIO_CHROMIUM
// overrides it), driven by playwright-core.
//
// Prints {"event":"step","name":...} after each check and {"event":"done"} with exit 0; {"event":"error","message":...}
// with exit 1 when a check fails (the message says which, with both pages' text).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, adminKey] = process.argv.slice(2);
const print = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const home = mkdtempSync(join(tmpdir(), "typedio-chat-"));
let browser;
const pages = [];

async function fail(message) {
  const texts = await Promise.all(pages.map((p) => p.locator("body").innerText().catch(() => "?")));
  print("error", { message, pages: texts });
  await browser?.close().catch(() => {});
  rmSync(home, { recursive: true, force: true });
  process.exit(1);
}

async function step(name, check) {
  try {
    await check();
    print("step", { name });
  } catch (err) {
    await fail(`${name}: ${err?.message ?? err}`);
  }
}

const text = (page, id) => page.locator(`#${id}`);
const expectText = async (page, id, expected) => {
  await page.waitForFunction(
    ([id, expected]) => document.getElementById(id)?.textContent?.includes(expected),
    [id, expected],
    { timeout: 10000 },
  );
};

setTimeout(() => fail("timed out"), 90000);
browser = await chromium.launch({
  executablePath: process.env.TYPEDIO_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  env: { ...process.env, HOME: home },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
});

async function open(name, key) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (err) => fail(`page error on ${name}'s page: ${err.message}`));
  pages.push(page);
  await page.goto(url);
  await page.fill("#name", name);
  await page.fill("#room", "lobby");
  if (key) await page.fill("#adminKey", key);
  await page.click("#login button");
  await expectText(page, "status", `connected as ${name}`);
  await expectText(page, "roomName", "lobby");
  return page;
}

const ada = await open("Ada", adminKey);
const bob = await open("Bob");

await step("presence: each sees both members", async () => {
  await expectText(ada, "members", "Ada, Bob");
  await expectText(bob, "members", "Ada, Bob");
});

await step("typing: Bob's typing shows on Ada's page", async () => {
  await bob.type("#text", "hel");
  await expectText(ada, "typing", "Bob typing");
});

await step("messages reach both pages", async () => {
  await bob.fill("#text", "hello from Bob");
  await bob.click("#send button");
  await ada.fill("#text", "hi Bob");
  await ada.click("#send button");
  for (const page of [ada, bob]) {
    await expectText(page, "log", "Bob: hello from Bob");
    await expectText(page, "log", "Ada: hi Bob");
  }
  await expectText(ada, "typing", "");
});

await step("a too-long message is refused with the validation message", async () => {
  await bob.fill("#text", "x".repeat(281));
  await bob.click("#send button");
  await expectText(bob, "error", "A message has at most 280 characters.");
  const shown = await text(ada, "log").textContent();
  if (shown.includes("xxxxxxxx")) throw new Error("the refused message reached Ada");
});

await step("a non-admin's admin action is refused", async () => {
  await bob.click("#clear");
  await expectText(bob, "error", "is not allowed for this user");
  const kept = await text(ada, "log").textContent();
  if (!kept.includes("hello from Bob")) throw new Error("the room was cleared");
});

await step("an admin's admin action clears the room on both pages", async () => {
  await ada.click("#clear");
  await expectText(ada, "status", "cleared 2 message(s)");
  for (const page of [ada, bob]) {
    await page.waitForFunction(() => document.querySelectorAll("#log li").length === 0, null, { timeout: 10000 });
  }
});

print("done");
await browser.close();
rmSync(home, { recursive: true, force: true });
process.exit(0);
