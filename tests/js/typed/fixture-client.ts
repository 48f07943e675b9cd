// A TypeScript client of the fixture's typed hubs (tests/Fixture/Hubs), typed by the .d.ts the fixture's build
// generates. Compiled with tsc --strict by tests/TypedIo.Tests/Interop/TypedClientInteropTests.cs, then run:
//
//   node typed/out/fixture-client.js <url>
//
// Prints {"event":"result", ...} with what it observed, then exits 0; {"event":"error"} and exit 1 otherwise.
import { io, Socket } from "socket.io-client";
import type { MainClientToServerEvents, MainServerToClientEvents, TypedIoRejection } from "./generated/fixture.js";

type MainSocket = Socket<MainServerToClientEvents, MainClientToServerEvents>;

const url = process.argv[2];
const fail = (message: string): never => {
  process.stdout.write(JSON.stringify({ event: "error", message }) + "\n");
  process.exit(1);
};
setTimeout(() => fail("timed out"), 20000);

function isRejection(value: unknown): value is TypedIoRejection {
  return typeof value === "object" && value !== null && "error" in value;
}

const socket: MainSocket = io(url, { transports: ["websocket"] });

socket.on("serverAsk" as never, () => fail("wire names are not method names"));
socket.on("server-ask", (payload, callback) => callback({ echoed: payload }));

socket.on("welcome", async (welcome) => {
  const id: string = welcome.id;
  const rooms = await socket.emitWithAck("join", "typed-room");
  if (isRejection(rooms)) return fail("join was refused: " + rooms.error.message);
  const sorted: string[] = rooms;

  const count = await socket.emitWithAck("count");
  if (isRejection(count)) return fail("count was refused");
  const countValue: number = count;

  const asked = await socket.emitWithAck("request-ack", { question: 42 });
  if (isRejection(asked)) return fail("request-ack was refused");

  // A wrong argument, sent past the types on purpose: the server refuses it with the envelope the .d.ts declares.
  const refused: unknown = await (socket as unknown as Socket).emitWithAck("join", 42);
  if (!isRejection(refused)) return fail("a number as a room was accepted");
  const code: string = refused.error.code;

  const echoed = new Promise<unknown[]>((resolve) => socket.once("echo", (...args) => resolve(args)));
  socket.emit("echo", "a", 1, { b: true });

  process.stdout.write(JSON.stringify({
    event: "result",
    idMatches: id === socket.id,
    rooms: sorted,
    count: countValue,
    asked,
    refusedCode: code,
    refusedMessage: refused.error.message,
    echo: await echoed,
  }) + "\n");
  socket.close();
  process.exit(0);
});
socket.on("connect_error", (err) => fail("connect_error: " + err.message));
