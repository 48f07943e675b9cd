// Compiled by TypeScriptCompileTests against chat.d.ts (TsSources.Chat) and socket.io-client's types, with --strict.
// Every line must compile: this is how a front end uses the generated declarations.
import { io, Socket } from 'socket.io-client';
import type {
  Attachment,
  AttachmentInput,
  ChatClientToServerEvents,
  ChatMessage,
  ChatNamespace,
  ChatServerToClientEvents,
  JoinResult,
  Mood,
  Page,
  Priority,
  TypedIoRejection,
} from './chat';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(): void {}

const namespace: ChatNamespace = '/chat';
const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io(namespace, { autoConnect: false });

const mood: Mood = 'so-so';
const priority: Priority = 2;
const message: ChatMessage = { room: 'lobby', text: 'hi', replyTo: null, sentAt: new Date().toISOString(), mood };
const attachment: Attachment = { name: 'a.txt', content: new ArrayBuffer(4) };

// Client to server.
socket.emit('sendMessage', message);
socket.emit('typing', true);
socket.emit('setPriority', priority);
socket.emit('upload', 'a.png', new Uint8Array([1, 2, 3]), null);
socket.emit('upload', 'a.png', new ArrayBuffer(8), attachment);
socket.emit('upload', 'a.png', new DataView(new ArrayBuffer(2)), null);
// Nested binary a client sends may be any view too (AttachmentInput); what it receives is an ArrayBuffer (Attachment).
socket.emit('upload', 'a.png', new ArrayBuffer(8), { name: 'b.txt', content: new Uint8Array([1, 2]) });
const sent: AttachmentInput = { name: 'c.txt', content: new DataView(new ArrayBuffer(1)) };
socket.emit('upload', 'a.png', new ArrayBuffer(8), sent);
socket.on('attachmentReceived', (received) => {
  assertType<Equals<typeof received, Attachment>>();
  assertType<Equals<typeof received.content, ArrayBuffer>>();
});
socket.emit('relay', 'anything', 1, 'two', { three: 3 });
socket.emit('relay', 'nothing');
socket.emit('joinRoom', 'lobby', (result) => {
  assertType<Equals<typeof result, JoinResult | TypedIoRejection>>();
});
// After a rest parameter, socket.io-client's generic emit cannot infer the callback's parameter: annotate it.
socket.emit('relayWithAck', 'x', 1, 2, (result: boolean | TypedIoRejection) => {
  console.log(result);
});

async function acks(): Promise<void> {
  const joined = await socket.emitWithAck('joinRoom', 'lobby');
  assertType<Equals<typeof joined, JoinResult | TypedIoRejection>>();
  if ('error' in joined) {
    const code: string = joined.error.code;
    const errors: Record<string, string[]> | undefined = joined.error.errors;
    console.log(code, errors);
  } else {
    const history: ChatMessage[] = joined.history;
    console.log(history.length, joined.members);
  }

  const relayed = await socket.emitWithAck('relayWithAck', 'x', 1, 2);
  assertType<Equals<typeof relayed, boolean | TypedIoRejection>>();

  const count = await socket.emitWithAck('count');
  assertType<Equals<typeof count, number | null | TypedIoRejection>>();

  const page = await socket.emitWithAck('history', 'lobby', 2);
  assertType<Equals<typeof page, Page<ChatMessage> | TypedIoRejection>>();
  if (!('error' in page)) {
    const next: number | null = page['next-page'];
    console.log(page.items[0]?.text, page.total, next);
  }
}

// Server to client.
socket.on('messageReceived', (received) => {
  assertType<Equals<typeof received, ChatMessage>>();
});
socket.on('areYouThere', (callback) => callback(true));
socket.on('nickname', (attempt, callback) => callback(attempt > 1 ? null : 'bob'));
socket.on('fileReceived', (name, data) => {
  assertType<Equals<typeof data, ArrayBuffer>>();
  console.log(name, data.byteLength);
});
socket.on('screenshot', (callback) => callback(new Uint8Array(4)));
socket.on('screenshot', (callback) => callback(new ArrayBuffer(4)));
socket.on('user:joined', (user) => {
  assertType<Equals<typeof user, string>>();
});

void acks();
