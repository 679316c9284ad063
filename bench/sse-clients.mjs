// Many `GET /messages/stream` clients in this process: each event's message_id and arrival time, per stream, in order.
import http from "node:http";

/** Connections opened at once: a burst of 500 SYNs could overflow the listen backlog and measure retransmits instead. */
const OPEN_AT_ONCE = 50;

/** One stream: resolves once the 200 and its first bytes (`retry:` and the starting `id:`) are in. */
function openStream(port, path, onMessage, timeoutMs) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, headers: { accept: "text/event-stream" } });
    const timer = setTimeout(() => req.destroy(new Error(`GET ${path}: no first bytes within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        return reject(new Error(`GET ${path} answered ${res.statusCode}`));
      }
      const stream = { req, res, status: res.statusCode, firstBytes: 0, openMs: 0, events: 0, heartbeats: 0, ended: false };
      let pending = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        const at = performance.now();
        if (stream.firstBytes === 0) {
          stream.firstBytes = chunk.length;
          stream.openMs = at - began;
          clearTimeout(timer);
          resolve(stream);
        }
        pending += chunk;
        // An event ends at a blank line; a chunk may hold several, or part of one.
        let end;
        while ((end = pending.indexOf("\n\n")) !== -1) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (event.startsWith(": heartbeat")) stream.heartbeats++;
          const data = event.indexOf("data: ");
          if (data === -1) continue; // retry:, a bare id: or a heartbeat
          const line = event.slice(data + 6, (event.indexOf("\n", data) + 1 || event.length + 1) - 1);
          stream.events++;
          onMessage(JSON.parse(line).message_id, at);
        }
      });
      res.on("close", () => (stream.ended = true));
    });
  });
}

/**
 * Opens `count` streams, OPEN_AT_ONCE at a time. `onMessage(k, messageId, at)` is called for every
 * event of stream k, at the performance.now() its chunk arrived.
 */
export async function openStreams(port, count, onMessage, { path = "/messages/stream", timeoutMs = 10_000 } = {}) {
  const streams = [];
  for (let first = 0; first < count; first += OPEN_AT_ONCE) {
    const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, count - first) }, (_, j) =>
      openStream(port, path, (id, at) => onMessage(first + j, id, at), timeoutMs),
    );
    streams.push(...(await Promise.all(batch)));
  }
  return {
    streams,
    close: () => streams.forEach((s) => s.req.destroy()),
  };
}
