// One `GET /messages/export` read to the end as fast as this process takes it: status, bytes, lines, first and last line.
import http from "node:http";

const NEWLINE = 0x0a;

export const download = (port, path, timeoutMs = 600_000) =>
  new Promise((resolve, reject) => {
    const began = performance.now();
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      let lines = 0;
      let head = Buffer.alloc(0);
      let tail = Buffer.alloc(0);
      res.on("data", (chunk) => {
        bytes += chunk.length;
        // Counting newlines without decoding: the body is never held, only its ends (a check that rows are whole).
        for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
        if (head.length < 4_096) head = Buffer.concat([head, chunk.subarray(0, 4_096)]);
        tail = Buffer.concat([tail, chunk]).subarray(-4_096);
      });
      res.on("end", () => {
        const text = (b) => b.toString("utf8").split("\n").filter((l) => l.trim() !== "");
        resolve({
          status: res.statusCode,
          complete: res.complete,
          bytes,
          lines,
          firstLines: text(head).slice(0, 2),
          lastLine: text(tail).at(-1) ?? null,
          ms: performance.now() - began,
        });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
  });
