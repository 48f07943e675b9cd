// The chat's browser client. Every event name, argument and ack type below is checked by tsc against the
// declarations generated from ChatHub (generated/chat.d.ts): rename an event in C# and this file stops compiling.
import { io, type Socket } from "socket.io-client";
import type {
  ChatClientToServerEvents,
  ChatMessage,
  ChatServerToClientEvents,
  TypedIoRejection,
} from "./generated/chat";

type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const login = $<HTMLFormElement>("login");
const chat = $<HTMLElement>("chat");
const status = $<HTMLElement>("status");
const errors = $<HTMLElement>("error");
const log = $<HTMLUListElement>("log");
const members = $<HTMLElement>("members");
const typing = $<HTMLElement>("typing");
const text = $<HTMLInputElement>("text");

let socket: ChatSocket | undefined;
let room = "";
const typists = new Set<string>();

function isRejection(value: unknown): value is TypedIoRejection {
  return typeof value === "object" && value !== null && "error" in value;
}

function showError(rejection: TypedIoRejection): void {
  const details = Object.values(rejection.error.errors ?? {}).flat();
  errors.textContent = details.length > 0 ? details.join(" ") : rejection.error.message;
}

function show(message: ChatMessage): void {
  const item = document.createElement("li");
  item.dataset.id = message.id;
  item.textContent = `${message.user}: ${message.text}`;
  log.append(item);
}

function showTyping(): void {
  typing.textContent = typists.size === 0 ? "" : `${[...typists].join(", ")} typing…`;
}

login.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>("name").value;
  const adminKey = $<HTMLInputElement>("adminKey").value;
  socket?.close();
  const current: ChatSocket = io({ auth: adminKey ? { name, adminKey } : { name } });
  socket = current;

  current.on("connect", async () => {
    status.textContent = `connected as ${name}`;
    login.hidden = true;
    chat.hidden = false;
    await join($<HTMLInputElement>("room").value);
  });
  current.on("connect_error", (err) => { status.textContent = `refused: ${err.message}`; });
  current.on("message", (message) => { if (message.room === room) show(message); });
  current.on("presence", (presence) => {
    if (presence.room === room) members.textContent = presence.members.join(", ");
  });
  current.on("userTyping", (state) => {
    if (state.room !== room) return;
    if (state.isTyping) typists.add(state.user); else typists.delete(state.user);
    showTyping();
  });
  current.on("cleared", (cleared) => { if (cleared === room) log.replaceChildren(); });
  current.on("typedio:error", (refusal) => showError(refusal));
});

async function join(next: string): Promise<void> {
  if (!socket) return;
  if (room) socket.emit("leave", room);
  const joined = await socket.emitWithAck("join", next);
  if (isRejection(joined)) return showError(joined);
  room = joined.room;
  $<HTMLElement>("roomName").textContent = room;
  log.replaceChildren();
  joined.history.forEach(show);
  members.textContent = joined.members.join(", ");
}

$<HTMLFormElement>("send").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!socket) return;
  errors.textContent = "";
  socket.emit("typing", room, false);
  const sent = await socket.emitWithAck("send", { room, text: text.value });
  if (isRejection(sent)) return showError(sent);
  text.value = "";
});

let typingTimer: ReturnType<typeof setTimeout> | undefined;
text.addEventListener("input", () => {
  if (!socket) return;
  if (typingTimer === undefined) socket.emit("typing", room, true);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    socket?.emit("typing", room, false);
    typingTimer = undefined;
  }, 1500);
});

$<HTMLButtonElement>("clear").addEventListener("click", async () => {
  if (!socket) return;
  errors.textContent = "";
  const cleared = await socket.emitWithAck("clearRoom", room);
  if (isRejection(cleared)) return showError(cleared);
  status.textContent = `cleared ${cleared} message(s)`;
});

$<HTMLFormElement>("switch").addEventListener("submit", async (event) => {
  event.preventDefault();
  await join($<HTMLInputElement>("nextRoom").value);
});
