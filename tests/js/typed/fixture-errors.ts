// Mistakes the generated declarations must catch: every line below is a type error, and `// @ts-expect-error`
// makes tsc fail if one of them is not (an unused @ts-expect-error is an error too). Checked by
// tests/TypedIo.Tests/Interop/TypedClientInteropTests.cs with tsc --strict --noEmit.
import type { Socket } from "socket.io-client";
import type { MainClientToServerEvents, MainServerToClientEvents } from "./generated/fixture.js";

export async function mistakes(socket: Socket<MainServerToClientEvents, MainClientToServerEvents>): Promise<void> {
  // @ts-expect-error an event name the hub does not declare
  socket.emit("jion", "room");
  // @ts-expect-error the wrong argument type
  socket.emit("join", 42, () => {});
  // @ts-expect-error a missing argument
  socket.emit("join");
  // @ts-expect-error an argument too many
  socket.emit("count", "extra", () => {});
  // @ts-expect-error the ack is a list of rooms (or a rejection), not a number
  const rooms: number = await socket.emitWithAck("join", "room");
  // @ts-expect-error the ack may be a rejection: it must be narrowed before use as a list
  const list: string[] = await socket.emitWithAck("leave", "room");
  // @ts-expect-error a server event the hub does not emit
  socket.on("welcom", () => {});
  // @ts-expect-error welcome's argument has no such field
  socket.on("welcome", (welcome) => welcome.name.toUpperCase());
  // @ts-expect-error the client answers server-ask with one value, not two
  socket.on("server-ask", (_payload, callback) => callback(1, 2));
  void rooms;
  void list;
}
