// Encodes and decodes values with the real notepack.io and socket.io-parser, for TypedIo's codec tests.
// argv[2]: JSON array of cases, each {"json": "<JSON text>", "attachments": ["<base64>", ...]} to encode (placeholders
// become Buffers, as socket.io-parser reconstructs them), or {"msgpack": "<base64>"} to decode (then deconstructed
// into JSON + attachments as socket.io-parser does before sending to a client).
// Prints one event per case: {"event":"case","msgpack":"<base64>"} or {"event":"case","json":"...","attachments":[...]}.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const notepack = require("notepack.io");
const { Encoder } = require("socket.io-parser");
const encoder = new Encoder();

// socket.io-parser's rule: an object whose _placeholder is true stands for attachment num.
const reconstruct = (value, buffers) => {
  if (Array.isArray(value)) return value.map((v) => reconstruct(v, buffers));
  if (value && typeof value === "object") {
    if (value._placeholder === true) return buffers[value.num];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reconstruct(v, buffers)]));
  }
  return value;
};

const cases = JSON.parse(process.argv[2]);
for (const c of cases) {
  if (c.json !== undefined) {
    const data = JSON.parse(c.json);
    const buffers = (c.attachments ?? []).map((b) => Buffer.from(b, "base64"));
    const value = buffers.length ? reconstruct(data, buffers) : data;
    console.log(JSON.stringify({ event: "case", msgpack: notepack.encode(value).toString("base64") }));
  } else {
    const value = notepack.decode(Buffer.from(c.msgpack, "base64"));
    // What socket.io-parser sends a client: "2[...]" or "51-[...]" and the attachments; keep the JSON only.
    const [text, ...buffers] = encoder.encode({ type: 2, data: [value], nsp: "/" });
    const json = text.slice(text.indexOf("["));
    console.log(JSON.stringify({ event: "case", json, attachments: buffers.map((b) => Buffer.from(b).toString("base64")) }));
  }
}
console.log(JSON.stringify({ event: "done" }));
