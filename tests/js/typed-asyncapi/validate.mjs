// Validates AsyncAPI documents with the maintained parser (@asyncapi/parser, which checks the AsyncAPI 3.0 JSON
// Schema and the spec's rules). Run by AsyncApiDocumentTests:
//
//   node typed-asyncapi/validate.mjs <file.json>...
//
// Prints {"event":"result","documents":[{"file","errors":[...],"warnings":n,"version","channels","operations"}]}.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const documents = [];
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"));
  documents.push({
    file,
    errors: diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join("/")}`),
    warnings: diagnostics.filter((d) => d.severity === 1).length,
    version: document?.version() ?? null,
    channels: document ? document.channels().all().map((c) => c.address()) : [],
    operations: document ? document.operations().all().map((o) => `${o.action()} ${o.id()}${o.reply() ? " (reply)" : ""}`) : [],
  });
}
process.stdout.write(JSON.stringify({ event: "result", documents }) + "\n");
