// Compiled by TypeScriptCompileTests against builtins.d.ts (TsSources.Builtins): contract types named like TypeScript's
// globals. The renamed one (Record2) and the [TsName] ones are used by their TypeScript names; Array and Event keep
// theirs without disturbing the globals the declarations rely on (arrays, Record<string, number>).
import { io, Socket } from 'socket.io-client';
import type { Array as Items, AuditClientToServerEvents, AuditEntry, AuditServerToClientEvents, Event as AuditEvent, Promise_, Record2 } from './builtins';

const socket: Socket<AuditServerToClientEvents, AuditClientToServerEvents> = io('/audit', { autoConnect: false });
const record: Record2 = { id: 'r1', counts: { a: 1 } };
const items: Items = { length: 2 };
const event: AuditEvent = { type: 'click', items };
const entry: AuditEntry = { who: 'me' };
const promise: Promise_ = { kept: true };

socket.emit('write', record, event, (result) => {
  if (!('error' in result)) console.log(result.counts['a']?.toFixed());
});
socket.emit('note', entry, promise, [items, { length: 0 }]);
socket.on('written', (written) => console.log(written.id));

// The globals are untouched by the declarations.
const globalArray: number[] = Array.from([1, 2]);
const later: Promise<void> = Promise.resolve();
void globalArray;
void later;
