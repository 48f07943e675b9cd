// Compiled by TypeScriptCompileTests against kitchen.d.ts (TsSources.Kitchen): the shapes a front end reads and writes.
import { io, Socket } from 'socket.io-client';
import type {
  Access,
  Everything,
  KitchenClientToServerEvents,
  KitchenServerToClientEvents,
  Level,
  Settings,
  Shape,
  TreeNode,
  TypedIoRejection,
} from './kitchen';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(): void {}

const socket: Socket<KitchenServerToClientEvents, KitchenClientToServerEvents> = io({ autoConnect: false });

// A polymorphic type narrows on its discriminator.
function area(shape: Shape): number {
  switch (shape.$type) {
    case 'circle':
      return Math.PI * shape.radius * shape.radius;
    case 'square':
      return shape.side * shape.side;
  }
}

const tree: TreeNode = { name: 'root', children: [{ name: 'leaf', children: [], parent: null }], parent: null };
const settings: Settings = { 'theme-name': 'dark', anything: 'else', count: 3 };
const access: Access = 3;
const level: Level = -1;

const everything: Everything = {
  shape: { $type: 'circle', color: 'red', radius: 1 },
  shapes: [{ $type: 'square', color: 'blue', side: 2 }],
  access,
  level,
  tree,
  settings,
  pairs: { items: [{ left: 'a', right: null }], next: null },
  inner: { depth: 1 },
  tags: { 'a5c1f2de-0000-0000-0000-000000000000': ['x', null] },
  json: { any: 'thing' },
  items: [1, 'two'],
  anything: undefined,
  blob: new ArrayBuffer(1),
  blobs: [new ArrayBuffer(2)],
  unsupported: null,
};

async function run(): Promise<void> {
  const got = await socket.emitWithAck('get', everything, { $type: 'square', color: 'green', side: 3 }, 1);
  assertType<Equals<typeof got, Everything | TypedIoRejection>>();
  socket.emit('draw', everything.shapes, new Uint8Array(8));
  socket.emit('draw', [], null);
  socket.on('pick', (options, callback) => callback(options[0] ?? { $type: 'circle', color: '', radius: 0 }));
  socket.on('changed', (changed) => console.log(area(changed.shape), changed.settings.locale ?? 'none'));
}

void run();
