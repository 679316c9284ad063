// WORKERS=2 on one SQLite file (and on PostgreSQL): each webhook stored once under concurrent load, reads that agree, a dead worker replaced, SIGTERM drains both and exits 0.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SECRET, freshSchema, getJson, killLeftovers, mapLimit, postSigned, query, startService, waitFor, type Service } from "../scale/support.js";
import { eventBlocks } from "../scale/event-reader.js";
import { postgresSkipReason } from "../support/databases.js";
import { signBody } from "../support/messages.js";
import { deadline, exitOf, halfSentWebhook, inspectFile, listAll, rawConnection, refuses, seeded, tempDatabase, varied, type Stored } from "./support.js";

const skipReason = await postgresSkipReason();
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const databases: Array<ReturnType<typeof tempDatabase>> = [];

afterAll(() => {
  killLeftovers();
  databases.forEach((d) => d.remove());
});

type Line = Record<string, unknown>;
const listening = (logs: Line[]) => logs.filter((l) => String(l.msg).startsWith("listening"));

/** The service with WORKERS=2, once both workers listen; `workers` maps slot to pid as they first logged. */
async function startCluster(env: Record<string, string> = {}, db = tempDatabase("cluster")) {
  databases.push(db);
  const service = await startService({ DATABASE_URL: db.url, WORKERS: "2", ...env });
  await waitFor("both workers to listen", async () => (listening(service.logs).length >= 2 ? true : undefined));
  const workers = new Map(listening(service.logs).map((l) => [l.worker as number, l.pid as number]));
  expect([...workers.keys()].sort()).toEqual([0, 1]);
  expect(new Set(workers.values()).size).toBe(2);
  expect(workers.has(service.child.pid as number), "the primary serves nothing itself").toBe(false);
  return { db, service, workers, port: Number(new URL(service.baseUrl).port) };
}

const webhookLines = (service: Service) => service.logs.filter((l) => l.msg === "request" && l.path === "/webhook");


const byId = (rows: Stored[]) => [...rows].sort((a, b) => (a.message_id < b.message_id ? -1 : 1));

/** Three copies of each of 300 webhooks at once, over both workers: one `created` each, reads that agree. Answers the messages sent, by id. */
async function exactlyOnce(service: Service, workers: Map<number, number>): Promise<Stored[]> {
  const UNIQUE = 300;
  const COPIES = 3;
  const messages = Array.from({ length: UNIQUE }, (_, i) => varied(`cluster-${i}`, i));
  // Every copy of a message in flight at about the same time, on different connections and so, mostly, different workers.
  const random = seeded(17);
  const sends = messages.flatMap((m) => Array.from({ length: COPIES }, () => m)).sort(() => random() - 0.5);
  const answers = await mapLimit(sends, 48, (m) => postSigned(service.baseUrl, m.body));
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);

  const lines = await waitFor("every webhook's request line", async () => {
    const found = webhookLines(service);
    return found.length >= sends.length ? found : undefined;
  });
  const created = lines.filter((l) => l.result === "created");
  expect(created).toHaveLength(UNIQUE);
  expect(new Set(created.map((l) => l.message_id)).size).toBe(UNIQUE);
  expect(lines.filter((l) => l.result === "duplicate")).toHaveLength(UNIQUE * (COPIES - 1));
  // Both workers took webhooks, and both stored some first.
  expect(new Set(lines.map((l) => l.pid))).toEqual(new Set(workers.values()));
  expect(new Set(created.map((l) => l.pid))).toEqual(new Set(workers.values()));

  const expected = byId(messages.map((m) => m.stored));
  expect(byId(await listAll(service.baseUrl))).toEqual(expected);
  // Fresh connections, handed to the workers in turn: each answers the same.
  const reads = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      fetch(`${service.baseUrl}${i % 2 ? "/stats" : "/messages?limit=5"}`, { headers: { connection: "close" } }).then((r) => r.json()),
    ),
  );
  for (const [i, body] of reads.entries()) {
    expect(body).toMatchObject(i % 2 ? { total_messages: UNIQUE } : { total: UNIQUE });
  }
  const readers = service.logs.filter((l) => l.msg === "request" && (l.path === "/stats" || l.path === "/messages"));
  expect(new Set(readers.map((l) => l.pid))).toEqual(new Set(workers.values()));
  return expected;
}

describe("WORKERS=2", () => {
  it("stores each webhook exactly once under concurrent load served by both workers, and every read agrees", async () => {
    const db = tempDatabase("cluster");
    const { service, workers } = await startCluster({}, db);
    const expected = await exactlyOnce(service, workers);
    expect(await service.stop()).toBe(0);
    const { integrity, rows } = inspectFile(db.path);
    expect(integrity).toBe("ok");
    expect(byId(rows)).toEqual(expected);
    expect(service.logs.filter((l) => l.level === "error" || l.level === "fatal")).toEqual([]);
  }, 60_000);

  it.skipIf(skipReason)("stores each webhook exactly once on PostgreSQL too", async () => {
    const schema = await freshSchema();
    try {
      const service = await startService({ DATABASE_URL: schema.url, WORKERS: "2" });
      await waitFor("both workers to listen", async () => (listening(service.logs).length >= 2 ? true : undefined));
      const workers = new Map(listening(service.logs).map((l) => [l.worker as number, l.pid as number]));
      const expected = await exactlyOnce(service, workers);
      expect(await service.stop()).toBe(0);
      const rows = await query<Stored>(schema.url, 'select message_id, from_msisdn as "from", to_msisdn as "to", ts, text from messages');
      expect(rows.map((r) => r.message_id).sort()).toEqual(expected.map((m) => m.message_id));
    } finally {
      await schema.drop();
    }
  }, 60_000);

  it("on SIGTERM answers the requests in flight on both workers, refuses new connections and exits 0", async () => {
    const { db, service, workers, port } = await startCluster();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const late = Array.from({ length: 4 }, (_, i) => varied(`late-${i}`, 1000 + i));
    const posts = late.map((m) => halfSentWebhook(service.baseUrl, m.body, released).answer);
    const lists = await Promise.all([0, 1].map(async () => {
      const connection = await rawConnection(port);
      connection.send(`GET /messages?limit=10 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
      return connection;
    }));
    await new Promise((resolve) => setTimeout(resolve, 500));

    service.child.kill("SIGTERM");
    const exited = exitOf(service.child, 20_000);
    await waitFor("both workers to log shutting down", async () =>
      service.logs.filter((l) => l.msg === "shutting down").length === 2 ? true : undefined, 3_000);
    await waitFor("new connections to be refused", async () => ((await refuses(port)) ? true : undefined), 3_000);
    expect(service.alive()).toBe(true);

    release();
    lists.forEach((l) => l.send("Accept: application/json\r\n\r\n"));
    const postAnswers = await deadline(Promise.all(posts), 10_000, "the in-flight POSTs");
    const listAnswers = await deadline(Promise.all(lists.map((l) => l.response)), 10_000, "the in-flight GETs");
    expect(postAnswers).toEqual(late.map(() => ({ status: 200, body: { status: "ok" } })));
    expect(listAnswers.map((a) => a.status)).toEqual([200, 200]);

    const exit = await exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    // The six in-flight requests were spread over both workers.
    const inFlight = service.logs.filter((l) => l.msg === "request" && (late.some((m) => m.stored.message_id === l.message_id) || l.path === "/messages"));
    expect(inFlight).toHaveLength(6);
    expect(new Set(inFlight.map((l) => l.pid))).toEqual(new Set(workers.values()));
    const { integrity, rows } = inspectFile(db.path);
    expect(integrity).toBe("ok");
    expect(rows.map((r) => r.message_id).sort()).toEqual(late.map((m) => m.stored.message_id).sort());
  }, 40_000);

  it("a live stream on one worker hears of every webhook, whichever worker stored it", async () => {
    const { service, workers } = await startCluster();
    const res = await fetch(`${service.baseUrl}/messages/stream?after=0`);
    expect(res.status).toBe(200);
    const blocks = eventBlocks(res.body!)[Symbol.asyncIterator]();
    const sent = Array.from({ length: 10 }, (_, i) => varied(`streamed-${i}`, i));
    // A connection of its own each, so that both workers store some.
    for (const m of sent) {
      const answer = await fetch(`${service.baseUrl}/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-signature": signBody(SECRET, m.body), connection: "close" },
        body: m.body,
      });
      expect(answer.status).toBe(200);
    }
    const heard: string[] = [];
    while (heard.length < sent.length) {
      const next = await deadline(blocks.next(), 5_000, "the next event");
      if (next.done) break;
      if (next.value.data !== undefined) heard.push((JSON.parse(next.value.data) as Stored).message_id);
    }
    expect(heard).toEqual(sent.map((m) => m.stored.message_id));
    const storers = (await waitFor("the webhooks' request lines", async () => {
      const found = webhookLines(service);
      return found.length >= sent.length ? found : undefined;
    })).map((l) => l.pid);
    expect(new Set(storers)).toEqual(new Set(workers.values()));
    await blocks.return?.(undefined);
    expect(await service.stop()).toBe(0);
  }, 30_000);

  it("replaces a worker that dies, in its slot, and keeps serving", async () => {
    const { service, workers } = await startCluster();
    const victim = workers.get(1)!;
    process.kill(victim, "SIGKILL");
    const died = await waitFor("the primary's line about the dead worker", async () =>
      service.logs.find((l) => String(l.msg).startsWith("worker 1 exited unexpectedly")));
    expect(died).toMatchObject({ level: "error", worker: 1, pid: victim, signal: "SIGKILL" });
    const replacement = await waitFor("the replacement to listen", async () => listening(service.logs).find((l) => l.worker === 1 && l.pid !== victim));
    expect(replacement.pid).not.toBe(workers.get(0));
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => postSigned(service.baseUrl, varied(`after-${i}`, i).body)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect((await getJson(service.baseUrl, "/stats")).body).toMatchObject({ total_messages: 6 });
    expect(await service.stop()).toBe(0);
  }, 30_000);

  it("runs retention in worker 0 only", async () => {
    const db = tempDatabase("cluster-retention");
    const single = await startService({ DATABASE_URL: db.url });
    for (const id of ["old-1", "old-2", "recent"]) expect((await postSigned(single.baseUrl, varied(id, 1).body)).status).toBe(200);
    expect(await single.stop()).toBe(0);
    // Received, as far as the file says, 40 days ago.
    const file = new BetterSqlite3(db.path);
    file.prepare("update messages set created_at = ? where message_id like 'old-%'").run(new Date(Date.now() - 40 * 86_400_000).toISOString());
    file.close();

    const { service, workers } = await startCluster({ RETENTION_DAYS: "30" }, db);
    const line = await waitFor("a purge log line", async () => service.logs.find((l) => typeof l.purged === "number"));
    expect(line).toMatchObject({ purged: 2, pid: workers.get(0) });
    expect((await getJson(service.baseUrl, "/stats")).body).toMatchObject({ total_messages: 1 });
    expect(await service.stop()).toBe(0);
    expect(service.logs.filter((l) => typeof l.purged === "number")).toHaveLength(1);
  }, 30_000);
});

describe("WORKERS at start-up", () => {
  it.each(["0", "65", "two", "1.5"])("refuses WORKERS=%s with one line and exit 1, forking nothing", async (value) => {
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", WEBHOOK_SECRET: SECRET, WORKERS: value },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exit = await exitOf(child, 10_000);
    expect(exit.code).toBe(1);
    expect(stderr).toBe("configuration error: WORKERS must be an integer from 1 to 64\n");
    expect(stdout).toBe("");
  });

  it("stops with exit 1, not a fork loop, when the workers cannot start", async () => {
    const db = tempDatabase("cluster-bad");
    databases.push(db);
    // A file where the database's folder should be.
    const blocker = join(db.path, "..", "not-a-folder");
    writeFileSync(blocker, "");
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", WEBHOOK_SECRET: SECRET, WORKERS: "2", DATABASE_URL: `sqlite:///${blocker}/app.db` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    const exit = await exitOf(child, 15_000);
    expect(exit.code).toBe(1);
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);
    expect(lines.filter((l) => l.msg === "starting 2 workers")).toHaveLength(1);
    expect(lines.some((l) => l.msg === "a worker stopped before it served; stopping the service")).toBe(true);
    expect(lines.some((l) => String(l.msg).startsWith("listening"))).toBe(false);
  }, 20_000);
});
