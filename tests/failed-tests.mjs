// Prints what failed (or never ran) in the .trx files of a folder, each with the first lines of its error message, so
// that the end of a CI log, which is often all that is kept, says why and not only what.
//
//   node tests/failed-tests.mjs RESULTS_DIR [LINES_PER_FAILURE]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, linesArg = "8"] = process.argv.slice(2);
const linesPerFailure = Number(linesArg);
const maxLineLength = 300;
const shown = new Set(["Failed", "NotExecuted", "Timeout", "Aborted"]);

const decode = (text) =>
  text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

const attribute = (attributes, name) => decode(new RegExp(`\\s${name}="([^"]*)"`).exec(` ${attributes}`)?.[1] ?? "");

let files = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith(".trx")).sort();
} catch {
  // No results folder: nothing ran, which the caller reports.
}

for (const file of files) {
  const trx = readFileSync(join(dir, file), "utf8");
  for (const [, attributes, , body = ""] of trx.matchAll(/<UnitTestResult\s([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    const outcome = attribute(attributes, "outcome");
    if (!shown.has(outcome)) continue;
    console.log(`${outcome}: ${attribute(attributes, "testName")}`);
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1];
    if (!message) continue;
    const lines = decode(message).split(/\r?\n/).filter((line) => line.trim() !== "");
    for (const line of lines.slice(0, linesPerFailure))
      console.log(`    ${line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line}`);
    if (lines.length > linesPerFailure) console.log(`    … ${lines.length - linesPerFailure} more lines in ${file}`);
  }
}
