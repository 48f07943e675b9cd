// A TypeScript client of the validation and authorization test hubs, typed by the .d.ts the test project's build
// generates. Compiled with tsc --strict by tests/TypedIo.Tests/Interop/PipelineClientInteropTests.cs, then run:
//
//   node typed-pipeline/out/pipeline-client.js <url> <bearer token of a user without the admin role>
//
// Prints {"event":"result", ...} with what it observed, then exits 0; {"event":"error"} and exit 1 otherwise.
import { io, Socket } from "socket.io-client";
import type {
  Order,
  ShopClientToServerEvents,
  ShopServerToClientEvents,
  TypedIoErrorEvent,
  TypedIoRejection,
  VaultClientToServerEvents,
  VaultServerToClientEvents,
} from "./generated/tests.js";

const [url, token] = [process.argv[2], process.argv[3]];
const fail = (message: string): never => {
  process.stdout.write(JSON.stringify({ event: "error", message }) + "\n");
  process.exit(1);
};
setTimeout(() => fail("timed out"), 20000);

// The ack type the .d.ts promises: the method's result or the rejection envelope, told apart by "error".
function rejected<T>(value: T | TypedIoRejection): value is TypedIoRejection {
  return typeof value === "object" && value !== null && "error" in value;
}

const invalid: Order = {
  customer: "",
  address: { street: "1 Main St", city: "" },
  lines: [{ sku: "a", quantity: 1 }, { sku: "", quantity: 0 }],
};

async function shop(): Promise<Record<string, unknown>> {
  const socket: Socket<ShopServerToClientEvents, ShopClientToServerEvents> = io(url + "shop", { transports: ["websocket"] });
  const errorEvent = new Promise<TypedIoErrorEvent>((resolve) => socket.once("typedio:error", resolve));

  const placed = await socket.emitWithAck("placeOrder", invalid);
  if (!rejected(placed)) return fail("an invalid order was accepted: " + placed);
  const code: string = placed.error.code;
  const errors: Record<string, string[]> | undefined = placed.error.errors;

  socket.emit("submitOrder", invalid);
  const unacknowledged = await errorEvent;
  const refusedEvent: string = unacknowledged.event;

  const ok = await socket.emitWithAck("placeOrder", { ...invalid, customer: "ada", address: { street: "x", city: "y" }, lines: [{ sku: "a", quantity: 2 }] });
  if (rejected(ok)) return fail("a valid order was refused: " + ok.error.message);
  const orderId: string = ok;
  socket.close();
  return { code, message: placed.error.message, errors: errors ?? null, refusedEvent, unacknowledgedCode: unacknowledged.error.code, orderId };
}

async function vault(): Promise<Record<string, unknown>> {
  // Anonymous: the hub's [Authorize] refuses the namespace connection.
  const anonymous = io(url + "vault", { transports: ["websocket"], reconnection: false });
  const connectError = await new Promise<string>((resolve) => {
    anonymous.on("connect_error", (err) => resolve(err.message));
    anonymous.on("connect", () => fail("an anonymous socket joined /vault"));
  });
  anonymous.close();

  // A bearer token in a header: Node's client can set one on polling (a browser could not on a WebSocket).
  const socket: Socket<VaultServerToClientEvents, VaultClientToServerEvents> = io(url + "vault", {
    transports: ["polling"],
    extraHeaders: { Authorization: "Bearer " + token },
    reconnection: false,
  });
  await new Promise<void>((resolve) => {
    socket.on("connect", () => resolve());
    socket.on("connect_error", (err) => fail("the bearer was refused: " + err.message));
  });
  const name = await socket.emitWithAck("whoami");
  if (rejected(name)) return fail("whoami was refused");
  const whoami: string = name;
  const wiped = await socket.emitWithAck("wipe");
  if (!rejected(wiped)) return fail("a user without the admin role wiped the vault");
  socket.close();
  return { connectError, whoami, wipeCode: wiped.error.code, wipeMessage: wiped.error.message };
}

const result = { event: "result", shop: await shop(), vault: await vault() };
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
