// The unmodified socket.io-client talking to the TypedIo server that served this page.
const socket = io();
const $ = (id) => document.getElementById(id);

socket.on("connect", () => { $("status").textContent = `connected over ${socket.io.engine.transport.name}`; });
socket.on("disconnect", (reason) => { $("status").textContent = `disconnected (${reason})`; });
socket.on("presence", (count) => { $("presence").textContent = count; });
socket.on("said", (name, text) => {
  const item = document.createElement("li");
  item.textContent = `${name}: ${text}`;
  $("log").appendChild(item);
});

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const reply = await socket.timeout(5000).emitWithAck("say", $("name").value || "anonymous", $("text").value);
  $("error").textContent = reply.ok ? "" : reply.error;
  if (reply.ok) $("text").value = "";
});
