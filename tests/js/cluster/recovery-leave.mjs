// A client of a node with --recovery joins a room and loses its transport, so the node persists its session. For
// tests/TypedIo.Redis.Tests/Streams/StreamsSessionTests.cs, which then reads the session from Redis.
//
//   node cluster/recovery-leave.mjs <url>
//
// Prints {"event":"result","id":...,"pid":...,"room":...} once the node no longer lists the socket.
import { connect, fail, finish, guard, until } from "./cluster-client.mjs";

const [url] = process.argv.slice(2);
if (!url) fail("usage: recovery-leave.mjs <url>");
guard(30000);

const room = `kept-${process.pid}`;
const watcher = await connect("watcher", url);
const leaver = await connect("leaver", url);
await leaver.call("join", room);
const { id } = leaver;
const pid = leaver.socket._pid;
leaver.socket.io.engine.close();
await until("the socket gone", () => watcher.call("fetch-ids"), (ids) => !ids.includes(id));
await finish({ id, pid, room });
