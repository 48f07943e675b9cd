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
type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const loginView = $<HTMLElement>("loginView");
const login = $<HTMLFormElement>("login");
const loginError = $<HTMLElement>("loginError");
const chat = $<HTMLElement>("chat");
const status = $<HTMLElement>("status");
const me = $<HTMLElement>("me");
const signOut = $<HTMLButtonElement>("signOut");
const roomList = $<HTMLUListElement>("rooms");
const memberList = $<HTMLUListElement>("members");
const memberCount = $<HTMLElement>("memberCount");
const roomName = $<HTMLElement>("roomName");
const log = $<HTMLOListElement>("log");
const typing = $<HTMLElement>("typing");
const notice = $<HTMLElement>("notice");
const errors = $<HTMLElement>("error");
const sendForm = $<HTMLFormElement>("send");
const text = $<HTMLInputElement>("text");
const counter = $<HTMLElement>("counter");

/** The server's limit (SendMessageValidator.MaxLength); the server checks it, the counter only warns. */
const maxLength = 280;
/** How long after the last keystroke this tab tells the others it stopped typing. */
const typingIdleMs = 1500;

let socket: ChatSocket | undefined;
/** socket.io-client's reconnection attempt, shown while reconnecting; 0 while connected. */
let attempt = 0;
let user = "";
let room = "";
const visited: string[] = [];
const typists = new Set<string>();

// ---- connection state ----

function setState(state: ConnectionState, label: string): void {
  status.dataset.state = state;
  status.textContent = label;
  const usable = state === "connected";
  for (const control of chat.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button"))
    control.disabled = !usable;
}

function setReconnecting(): void {
  setState("reconnecting", attempt > 0 ? `Reconnecting… (attempt ${attempt})` : "Reconnecting…");
}

function showLogin(reason: string): void {
  stopTyping(false);
  chat.hidden = true;
  loginView.hidden = false;
  me.hidden = signOut.hidden = true;
  loginError.textContent = reason;
}

// ---- messages, errors, typing ----

function isRejection(value: unknown): value is TypedIoRejection {
  return typeof value === "object" && value !== null && "error" in value;
}

/** A refusal in words: what failed, why (the validator's messages or the server's), and the code for developers. */
function showRefusal(action: string, rejection: TypedIoRejection): void {
  const { code, message } = rejection.error;
  const details = Object.values(rejection.error.errors ?? {}).flat();
  const why =
    details.length > 0 ? details.join(" ")
    : code === "forbidden" ? "only an admin may do that (connect with the admin key)."
    : code === "unauthorized" ? "you are not signed in."
    : message;
  const line = document.createElement("span");
  line.textContent = `Could not ${action}: ${why}`;
  const codeTag = document.createElement("span");
  codeTag.className = "code";
  codeTag.textContent = code;
  codeTag.title = message;
  errors.replaceChildren(line, codeTag);
}

function clearFeedback(): void {
  errors.replaceChildren();
  notice.textContent = "";
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function show(message: ChatMessage): void {
  if (log.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
  const item = document.createElement("li");
  item.className = message.user === user ? "msg mine" : "msg theirs";
  item.dataset.id = message.id;
  item.dataset.user = message.user;

  const meta = document.createElement("div");
  meta.className = "meta";
  const author = document.createElement("span");
  author.className = "author";
  author.textContent = message.user;
  const sentAt = new Date(message.sentAt);
  const time = document.createElement("time");
  time.dateTime = message.sentAt;
  time.textContent = timeFormat.format(sentAt);
  time.title = sentAt.toLocaleString();
  meta.append(author, time);

  const body = document.createElement("div");
  body.className = "body";
  body.textContent = message.text;

  item.append(meta, body);
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(item);
  if (atBottom || message.user === user) log.scrollTop = log.scrollHeight;
}

function showTyping(): void {
  const names = [...typists];
  typing.textContent =
    names.length === 0 ? ""
    : names.length === 1 ? `${names[0]} is typing…`
    : `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are typing…`;
}

function showMembers(names: readonly string[]): void {
  memberList.replaceChildren(...names.map((name) => {
    const item = document.createElement("li");
    item.textContent = name === user ? `${name} (you)` : name;
    item.dataset.user = name;
    if (name === user) item.className = "you";
    return item;
  }));
  memberCount.textContent = `(${names.length})`;
  for (const name of typists) if (!names.includes(name)) typists.delete(name);
  showTyping();
}

function showRooms(): void {
  roomList.replaceChildren(...visited.map((name) => {
    const item = document.createElement("li");
    item.textContent = `#${name}`;
    item.dataset.room = name;
    item.title = name === room ? "the room you are in" : `switch to #${name}`;
    if (name === room) {
      item.className = "current";
      item.setAttribute("aria-current", "true");
    }
    return item;
  }));
}

// ---- connecting ----

login.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>("name").value.trim();
  const adminKey = $<HTMLInputElement>("adminKey").value;
  const firstRoom = $<HTMLInputElement>("room").value.trim();
  socket?.close();
  user = name;
  room = "";
  loginError.textContent = "";
  setState("connecting", "Connecting…");
  // WebSocket first, long polling only when a WebSocket cannot be opened (a proxy that blocks it). Starting with
  // long polling (the default) leaves a GET in flight when the server refuses the connection, and that GET can reach
  // the server after the client's close: an HTTP 400 "Session ID unknown" in the console (Node's server does the same).
  const current: ChatSocket = io({
    auth: adminKey ? { name, adminKey } : { name },
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });
  socket = current;

  current.on("connect", async () => {
    attempt = 0;
    setState("connected", "Connected");
    me.textContent = name;
    me.hidden = signOut.hidden = false;
    loginView.hidden = true;
    chat.hidden = false;
    // A new connection is a new socket on the server: (re)join the room this tab was in.
    await join(room || firstRoom);
  });
  current.on("connect_error", (err) => {
    if (current.active) {
      setReconnecting();
    } else {
      // The server refused the connection (here: the name); the message is the authenticator's.
      setState("disconnected", "Not connected");
      showLogin(`The server refused the connection: ${err.message}`);
    }
  });
  current.on("disconnect", (reason) => {
    typists.clear();
    showTyping();
    stopTyping(false);
    if (current.active) setReconnecting();
    else if (reason === "io client disconnect") setState("disconnected", "Not connected");
    else {
      setState("disconnected", "Disconnected");
      showLogin(`The server closed the connection (${reason}).`);
    }
  });
  current.io.on("reconnect_attempt", (n) => {
    attempt = n;
    setReconnecting();
  });

  current.on("message", (message) => {
    if (message.room !== room) return;
    typists.delete(message.user);
    showTyping();
    show(message);
  });
  current.on("presence", (presence) => { if (presence.room === room) showMembers(presence.members); });
  current.on("userTyping", (state) => {
    if (state.room !== room) return;
    if (state.isTyping) typists.add(state.user); else typists.delete(state.user);
    showTyping();
  });
  current.on("cleared", (cleared) => {
    if (cleared !== room) return;
    log.replaceChildren();
    notice.textContent = `The history of #${room} was cleared by an admin.`;
  });
  current.on("typedio:error", (refusal) => showRefusal(`send '${refusal.event}'`, refusal));
});

signOut.addEventListener("click", () => {
  socket?.close();
  socket = undefined;
  showLogin("");
});

async function join(next: string): Promise<void> {
  if (!socket || !next) return;
  clearFeedback();
  stopTyping(true);
  if (room && room !== next && socket.connected) socket.emit("leave", room);
  const joined = await socket.emitWithAck("join", next);
  if (isRejection(joined)) return showRefusal(`join #${next}`, joined);
  room = joined.room;
  if (!visited.includes(room)) visited.push(room);
  roomName.textContent = room;
  document.title = `#${room} · TypedIo chat`;
  typists.clear();
  log.replaceChildren();
  joined.history.forEach(show);
  showMembers(joined.members);
  showRooms();
  text.focus();
}

// ---- typing: "true" on the first keystroke, "false" after typingIdleMs without one, or on send ----

let typingTimer: ReturnType<typeof setTimeout> | undefined;

/** Ends the current typing burst: the next keystroke starts a new one and tells the others again. */
function stopTyping(tellOthers: boolean): void {
  if (typingTimer === undefined) return;
  clearTimeout(typingTimer);
  typingTimer = undefined;
  if (tellOthers && socket?.connected) socket.emit("typing", room, false);
}

text.addEventListener("input", () => {
  updateCounter();
  if (!socket?.connected || !room) return;
  if (text.value === "") return stopTyping(true);
  if (typingTimer === undefined) socket.emit("typing", room, true);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => stopTyping(true), typingIdleMs);
});

function updateCounter(): void {
  const length = text.value.length;
  counter.textContent = length > maxLength * 0.8 ? `${length}/${maxLength}` : "";
  counter.classList.toggle("over", length > maxLength);
}

// ---- actions ----

sendForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!socket || text.value.trim() === "") return;
  clearFeedback();
  stopTyping(true);
  const sent = await socket.emitWithAck("send", { room, text: text.value });
  if (isRejection(sent)) return showRefusal("send the message", sent);
  text.value = "";
  updateCounter();
});

$<HTMLButtonElement>("clear").addEventListener("click", async () => {
  if (!socket) return;
  clearFeedback();
  const cleared = await socket.emitWithAck("clearRoom", room);
  if (isRejection(cleared)) return showRefusal(`clear #${room}`, cleared);
  notice.textContent = `You cleared ${cleared} message${cleared === 1 ? "" : "s"} from #${room}.`;
});

$<HTMLFormElement>("switch").addEventListener("submit", async (event) => {
  event.preventDefault();
  const next = $<HTMLInputElement>("nextRoom");
  await join(next.value.trim());
  next.value = "";
});

roomList.addEventListener("click", async (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>("li[data-room]");
  if (target?.dataset.room && target.dataset.room !== room && socket?.connected) await join(target.dataset.room);
});
