// A chat client in the terminal: each line you type is sent to the room, every message of the room is printed.
// The event names and payloads come from ./generated/chat.d.ts, which the server's build writes: rename an event or
// a field in C#, rebuild the server, and `npm run build` fails here.
import { createInterface } from "node:readline";
import { io, type Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatMessage, ChatServerToClientEvents } from "./generated/chat.js";

// The server's address: the first argument, else the one in the server's Properties/launchSettings.json.
const url = process.argv[2] ?? "http://localhost:5123";
const user = process.argv[3] ?? "guest";
const room = "lobby";

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io(`${url}/chat`);
const print = (m: ChatMessage) => console.log(`${m.user}: ${m.text}`);

async function main(): Promise<void> {
  socket.on("message", print);
  const history = await socket.emitWithAck("join", room);
  if ("error" in history) throw new Error(history.error.message);
  console.log(`joined ${room} on ${url} as ${user}; type a message and press Enter (Ctrl+D to quit)`);
  history.forEach(print);

  for await (const text of createInterface({ input: process.stdin })) {
    if (text.trim() !== "") socket.emit("send", { room, user, text });
  }
  socket.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
