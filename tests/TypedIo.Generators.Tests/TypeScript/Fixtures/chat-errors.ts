// Compiled by TypeScriptCompileTests against chat.d.ts: each @ts-expect-error must meet a real type error on the
// next line (an unused @ts-expect-error is itself an error), so each line proves the declarations reject a mistake.
import { io, Socket } from 'socket.io-client';
import type { Attachment, ChatClientToServerEvents, ChatMessage, ChatServerToClientEvents, JoinResult, Mood, Priority } from './chat';

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io('/chat', { autoConnect: false });
const message: ChatMessage = { room: 'lobby', text: 'hi', replyTo: null, sentAt: '2024-01-01T00:00:00Z', mood: 'Happy' };

// @ts-expect-error: no such event (a typo)
socket.emit('sendMesage', message);
// @ts-expect-error: a server-to-client event is not for the client to emit
socket.emit('messageReceived', message);
// @ts-expect-error: a client-to-server event is not for the client to listen to
socket.on('sendMessage', () => {});
// @ts-expect-error: wrong argument type
socket.emit('typing', 'yes');
// @ts-expect-error: null where the C# parameter is not nullable
socket.emit('joinRoom', null, () => {});
// @ts-expect-error: missing argument
socket.emit('upload', 'a.png');
// @ts-expect-error: missing argument before the ack
socket.emitWithAck('history', 'lobby');
// @ts-expect-error: too many arguments
socket.emit('typing', true, false);
// @ts-expect-error: a string enum is its member names (with [JsonStringEnumMemberName])
const badMood: Mood = 'SoSo';
// @ts-expect-error: a numeric enum is its values
const badPriority: Priority = 3;
// @ts-expect-error: a record needs every property
const partial: ChatMessage = { room: 'lobby', text: 'hi' };
// @ts-expect-error: the client answers areYouThere with a boolean
socket.on('areYouThere', (callback) => callback('yes'));
// @ts-expect-error: wrong ack type after a rest parameter
socket.emit('relayWithAck', 'x', 1, (result: string) => {});
// @ts-expect-error: binary from the server is an ArrayBuffer
socket.on('fileReceived', (name: string, data: string) => {});
// @ts-expect-error: binary nested in an object the server sends is an ArrayBuffer, not a view
const nested: Attachment = { name: 'x', content: new Uint8Array(2) };
// @ts-expect-error: what a client sends is not what it receives: a view is not an ArrayBuffer
socket.on('attachmentReceived', (received) => received.content.slice(0).byteLength.toFixed(received.content.byteOffset));

async function acks(): Promise<void> {
  // @ts-expect-error: the ack may be a rejection, so it is not a JoinResult
  const joined: JoinResult = await socket.emitWithAck('joinRoom', 'lobby');
  const result = await socket.emitWithAck('joinRoom', 'lobby');
  // @ts-expect-error: the ack may be a rejection, so its properties need a check first
  console.log(result.room);
  // @ts-expect-error: an ack callback where the event has none
  socket.emit('typing', true, () => {});
  console.log(joined, badMood, badPriority, partial, nested);
}

void acks();
