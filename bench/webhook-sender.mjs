// Signed webhooks at a steady rate from this process, each with its send and 200 times on the clock the stream clients use.
import { createHmac } from "node:crypto";
import http from "node:http";
import { message } from "./dataset.mjs";

/**
 * Sends `rate` webhooks a second for `seconds`, on schedule whether or not earlier ones have been
 * answered (open loop: a slow server meets the same load, not a politer one). Resolves once every
 * one is answered, with one record per webhook in the order sent.
 */
export function sendSteady({ port, secret, rate, seconds, idPrefix, indexBase, onSend }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const total = Math.round(rate * seconds);
  const sent = [];
  let answered = 0;
  return new Promise((resolve) => {
    const send = (n) => {
      const { message_id, from, to, ts, text } = message(indexBase + n, `${idPrefix}-${n}`);
      const body = JSON.stringify(text === null ? { message_id, from, to, ts } : { message_id, from, to, ts, text });
      const record = { id: message_id, sentAt: performance.now(), ackAt: null, status: 0 };
      sent.push(record);
      onSend?.(record);
      const req = http.request({
        host: "127.0.0.1",
        port,
        path: "/webhook",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-signature": createHmac("sha256", secret).update(body).digest("hex"),
        },
      });
      const done = (status) => {
        record.ackAt = performance.now();
        record.status = status;
        if (++answered === total) {
          agent.destroy();
          resolve(sent);
        }
      };
      req.on("response", (res) => res.resume().on("end", () => done(res.statusCode)));
      req.on("error", () => done(0));
      req.end(body);
    };
    const began = performance.now();
    let next = 0;
    // A 5 ms tick sends whatever is due: at 100–200 a second, one or two webhooks a tick.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * rate) + 1);
      while (next < due) send(next++);
      if (next === total) clearInterval(timer);
    }, 5);
  });
}
