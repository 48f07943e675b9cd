// Compiled by TypeScriptCompileTests against shop.d.ts and awkward.d.ts: renamed types, several hubs, a pattern
// namespace, an empty event map, quoted event names and rest parameters.
import { io, Socket } from 'socket.io-client';
import type { RoomsClientToServerEvents, RoomsNamespace, RoomsServerToClientEvents } from './awkward';
import type {
  Chat2ClientToServerEvents,
  Chat2ServerToClientEvents,
  InventoryClientToServerEvents,
  InventoryServerToClientEvents,
  Item,
  Item2,
  OrdersClientToServerEvents,
  OrdersServerToClientEvents,
  TypedIoRejection,
} from './shop';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(): void {}

const orders: Socket<OrdersServerToClientEvents, OrdersClientToServerEvents> = io('/orders', { autoConnect: false });
const inventory: Socket<InventoryServerToClientEvents, InventoryClientToServerEvents> = io('/inventory', { autoConnect: false });
const support: Socket<Chat2ServerToClientEvents, Chat2ClientToServerEvents> = io('/support', { autoConnect: false });
const rooms: Socket<RoomsServerToClientEvents, RoomsClientToServerEvents> = io('/rooms/1/' satisfies RoomsNamespace, { autoConnect: false });

async function run(): Promise<void> {
  const ordered: Item2 = { sku: 'a', quantity: 1 };
  const placed = await orders.emitWithAck('place', ordered);
  if (!('error' in placed)) {
    assertType<Equals<typeof placed.item, Item2>>();
  }
  const listed = await inventory.emitWithAck('list');
  assertType<Equals<typeof listed, Item[] | TypedIoRejection>>();
  inventory.on('changed', (item, clash) => console.log(item.shelf.aisle, clash.clash));
  support.emit('say', 'hello');

  const joined = await rooms.emitWithAck('room:join', 'f', 'c');
  if (!('error' in joined)) {
    const ok: boolean = joined.ok;
    console.log(ok);
  }
  rooms.emit('it\'s', 1);
  rooms.emit('spread', 1, 'two', null);
  const spread = await rooms.emitWithAck('spreadWithAck', 'first', 1, 2);
  assertType<Equals<typeof spread, { ok: boolean } | TypedIoRejection>>();
}

void run();
