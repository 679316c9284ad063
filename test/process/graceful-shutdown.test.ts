// SIGTERM/SIGINT: requests in flight finish normally, new connections are refused, the process exits 0 promptly.
import { afterAll, describe, expect, it } from "vitest";
import { killLeftovers, mapLimit, postSigned, startService, waitFor } from "../scale/support.js";
import { deadline, exitOf, halfSentWebhook, inspectFile, rawConnection, refuses, tempDatabase, varied, type Stored } from "./support.js";

const SEEDED = 120;
/** Exit must follow the last in-flight answer by less than this: well under Node's 5 s keep-alive timeout. */
const EXIT_BOUND_MS = 2_000;
const databases: Array<ReturnType<typeof tempDatabase>> = [];

afterAll(() => {
  killLeftovers();
  databases.forEach((d) => d.remove());
});

async function serviceWithMessages(count: number) {
  const db = tempDatabase("shutdown");
  databases.push(db);
  const service = await startService({ DATABASE_URL: db.url });
  const seeded = Array.from({ length: count }, (_, i) => varied(`seed-${i}`, i));
  const answers = await mapLimit(seeded, 8, (m) => postSigned(service.baseUrl, m.body));
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  return { db, service, seeded: seeded.map((m) => m.stored), port: Number(new URL(service.baseUrl).port) };
}


/** GET /messages whose request header stops one line short until `finish()`. */
async function halfSentList(port: number) {
  const connection = await rawConnection(port);
  connection.send(`GET /messages?limit=100 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
  return { ...connection, finish: () => connection.send("Accept: application/json\r\n\r\n") };
}

describe.each(["SIGTERM", "SIGINT"] as const)("%s with requests in flight", (signal) => {
  it("answers each in-flight request normally, refuses new connections, stores the messages and exits 0", async () => {
    const { db, service, seeded, port } = await serviceWithMessages(SEEDED);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Later than every seeded ts, so the first page of the list does not depend on whether these are in yet.
    const late = Array.from({ length: 3 }, (_, i) => varied(`late-${signal}-${i}`, 1000 + i, "2026-01-01T00:00:00Z"));
    const posts = late.map((m) => halfSentWebhook(service.baseUrl, m.body, released));
    const lists = await Promise.all([halfSentList(port), halfSentList(port)]);
    // Long enough for the half requests to reach the server on loopback.
    await new Promise((resolve) => setTimeout(resolve, 500));

    service.child.kill(signal);
    const exited = exitOf(service.child, 15_000);
    await waitFor("the shutdown log line", async () =>
      service.logs.some((l) => l.msg === "shutting down" && l.signal === signal) ? true : undefined, 3_000);
    await waitFor("new connections to be refused", async () => ((await refuses(port)) ? true : undefined), 2_000);
    expect(posts.map((p) => p.settled()), "answered before its body was complete").toEqual([false, false, false]);
    expect(service.alive()).toBe(true);

    release();
    lists.forEach((l) => l.finish());
    const postAnswers = await deadline(Promise.all(posts.map((p) => p.answer)), 10_000, "the in-flight POSTs");
    const listAnswers = await deadline(Promise.all(lists.map((l) => l.response)), 10_000, "the in-flight GETs");
    const lastAnswerAt = Date.now();
    expect(postAnswers).toEqual(late.map(() => ({ status: 200, body: { status: "ok" } })));
    const ordered = [...seeded].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || (a.message_id < b.message_id ? -1 : 1));
    for (const list of listAnswers) {
      expect(list.status).toBe(200);
      expect((list.body as { data: Stored[] }).data).toEqual(ordered.slice(0, 100));
    }

    const exit = await exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - lastAnswerAt, "exit lagged the last answer").toBeLessThan(EXIT_BOUND_MS);
    const closed = await deadline(Promise.all(lists.map((l) => l.closed)), 2_000, "the GET connections to close");
    expect(closed.map((c) => c.error), "connection reset").toEqual([null, null]);
    expect(service.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);

    const { integrity, rows } = inspectFile(db.path);
    expect(integrity).toBe("ok");
    const byId = new Map(rows.map((r) => [r.message_id, r]));
    expect(rows).toHaveLength(SEEDED + late.length);
    expect(late.map((m) => byId.get(m.stored.message_id))).toEqual(late.map((m) => m.stored));
  }, 25_000);
});

describe("an idle keep-alive connection", () => {
  it("does not hold shutdown open: the server closes it and exits 0 at once", async () => {
    const { service, port } = await serviceWithMessages(0);
    const idle = await rawConnection(port);
    idle.send(`GET /health/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const first = await deadline(idle.response, 3_000, "the keep-alive answer");
    expect(first).toMatchObject({ status: 200, body: { status: "live" } });
    expect(first.headers.connection).toBe("keep-alive");
    expect(idle.socket.destroyed).toBe(false);

    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    const exit = await exitOf(service.child, 10_000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, "an idle connection held the shutdown open").toBeLessThan(EXIT_BOUND_MS);
    expect(await deadline(idle.closed, 2_000, "the idle connection to close")).toEqual({ error: null });
  });
});

describe("open event streams", () => {
  it("do not hold shutdown open: each ends cleanly (the chunked body terminated) and the process exits 0 at once", async () => {
    const { service } = await serviceWithMessages(3);
    const opened = await Promise.all([0, 1, 2].map(() => fetch(`${service.baseUrl}/messages/stream?after=0`)));
    expect(opened.map((res) => res.status)).toEqual([200, 200, 200]);
    // Read to the end: a clean end resolves with the text, a cut connection rejects.
    const streams = opened.map((res) => ({ text: res.text() }));
    // Let each reach the live edge before the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    const exit = await exitOf(service.child, 10_000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, "open streams held the shutdown open").toBeLessThan(EXIT_BOUND_MS);
    for (const { text } of streams) {
      const body = await deadline(text, 2_000, "the stream's end");
      expect(body.match(/^data: /gm)).toHaveLength(3);
    }
  });
});
