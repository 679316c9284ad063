// The service process while PostgreSQL is away: 503s, never a false 200, and recovery without a restart.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSkipReason } from "../support/databases.js";
import {
  freshSchema,
  getJson,
  killLeftovers,
  postSigned,
  query,
  startProxy,
  startService,
  viaProxy,
  waitFor,
  type Answer,
  type Proxy,
  type Service,
} from "./support.js";

const skipReason = await postgresSkipReason();
if (skipReason) console.warn(`scale/database-outage skipped: ${skipReason}`);

let counter = 0;
const message = () => ({
  message_id: `outage-${process.pid}-${++counter}`,
  from: "+919876543210",
  to: "+14155550100",
  ts: "2025-01-15T10:00:00Z",
  text: "Hello",
});
const unavailable = { status: 503, body: { detail: expect.any(String) } };
const pick = ({ status, body }: Answer) => ({ status, body });
const whenReady = (service: Service, timeoutMs: number) =>
  waitFor(`${service.baseUrl} to be ready`, async () => {
    const res = await getJson(service.baseUrl, "/health/ready");
    return res.status === 200 ? res : undefined;
  }, timeoutMs);

describe.skipIf(skipReason)("database unavailable at start-up", () => {
  let proxy: Proxy | undefined;
  let schema: { url: string; drop(): Promise<void> } | undefined;
  let service: Service;
  const first = message();
  const body = JSON.stringify(first);

  beforeAll(async () => {
    proxy = await startProxy();
    proxy.down();
    schema = await freshSchema();
    service = await startService({ DATABASE_URL: viaProxy(schema.url, proxy), DATABASE_POOL_SIZE: "4" });
  });

  afterAll(async () => {
    killLeftovers();
    await proxy?.close();
    await schema?.drop();
  });

  it("answers 503 to readiness, webhooks and reads, across migration retries, without exiting", async () => {
    // Each fault once: a repeat is counted, not logged again (the "(repeated)" line a slow run may reach
    // after 10 s aside). The cut connection may fail in more than one way, each a fault of its own.
    const retries = () => service.logs.filter((l) => String(l.msg).startsWith("database unavailable at start-up") && l.repeated === undefined);
    // Past the 2 s retry: a second failed attempt must leave the service as it was. (Its log line is
    // held back: a repeated fault is logged once, then counted.)
    const until = Date.now() + 4_500;
    for (let round = 0; round < 3 || Date.now() < until; round++) {
      expect(pick(await getJson(service.baseUrl, "/health/ready"))).toEqual({
        status: 503,
        body: { status: "not ready", reason: "database unavailable" },
      });
      expect(pick(await postSigned(service.baseUrl, body))).toEqual(unavailable);
      expect(pick(await getJson(service.baseUrl, "/messages"))).toEqual(unavailable);
      expect(pick(await getJson(service.baseUrl, "/stats"))).toEqual(unavailable);
      expect(pick(await getJson(service.baseUrl, "/health/live"))).toEqual({ status: 200, body: { status: "live" } });
      await sleep(300);
    }
    expect(service.alive()).toBe(true);
    const faults = retries().map((l) => JSON.stringify(l.err));
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.length, faults.join("\n")).toBe(new Set(faults).size);
  });

  it("becomes ready by itself once the database is back, then stores and lists the message", async () => {
    proxy!.up();
    await whenReady(service, 10_000);
    expect(pick(await postSigned(service.baseUrl, body))).toEqual({ status: 200, body: { status: "ok" } });
    expect(pick(await getJson(service.baseUrl, "/messages"))).toEqual({
      status: 200,
      body: { data: [first], total: 1, limit: 50, offset: 0 },
    });
    expect(await query(schema!.url, "select message_id, text from messages")).toEqual([
      { message_id: first.message_id, text: first.text },
    ]);
    expect(service.alive()).toBe(true);
    expect(await service.stop()).toBe(0);
  });
});

describe.skipIf(skipReason)("database connections cut while serving", () => {
  let proxy: Proxy | undefined;
  let schema: { url: string; drop(): Promise<void> } | undefined;
  let service: Service;

  beforeAll(async () => {
    proxy = await startProxy();
    schema = await freshSchema();
    service = await startService({ DATABASE_URL: viaProxy(schema.url, proxy), DATABASE_POOL_SIZE: "4" });
    await whenReady(service, 10_000);
  });

  afterAll(async () => {
    killLeftovers();
    await proxy?.close();
    await schema?.drop();
  });

  it("answers 503 during the cut, recovers without a restart, and keeps every acknowledged message", async () => {
    const sent: Array<{ id: string; start: number; end: number } & Answer> = [];
    let running = true;
    // More writers than pooled connections keep every connection checked out, so the cut lands mid-query;
    // they only slow down on failures, which are cheap and would otherwise flood the service.
    const writer = async () => {
      while (running) {
        const m = message();
        const start = performance.now();
        const answer = await postSigned(service.baseUrl, JSON.stringify(m));
        sent.push({ id: m.message_id, start, end: performance.now(), ...answer });
        if (answer.status !== 200) await sleep(20);
      }
    };
    const writers = Promise.all(Array.from({ length: 12 }, writer));
    let during: typeof sent = [];
    try {
      await sleep(800);
      proxy!.down();
      const downAt = performance.now();
      await sleep(1_500);
      expect(service.alive(), `the service died during the cut: ${service.stderr()}`).toBe(true);
      const upAt = performance.now();
      proxy!.up();
      const recoveredAt = await waitFor(
        "a 200 after the database is back",
        async () => sent.find((r) => r.start > upAt && r.status === 200)?.end,
        10_000,
      );
      await sleep(800);
      running = false;
      await writers;

      const before = sent.filter((r) => r.end < downAt);
      during = sent.filter((r) => r.start > downAt && r.end < upAt);
      const after = sent.filter((r) => r.start > recoveredAt);
      expect(before.length).toBeGreaterThan(5);
      expect(before.filter((r) => r.status !== 200).map(pick)).toEqual([]);
      expect(during.length).toBeGreaterThan(5);
      expect(during.filter((r) => r.status !== 503 || JSON.stringify(r.body) === '{"status":"ok"}')).toEqual([]);
      expect(during.map(pick)).toEqual(during.map(() => unavailable));
      expect(after.length).toBeGreaterThan(5);
      // A refusal after recovery is a fault to explain: the service's last error lines say what failed.
      const lastErrors = () => JSON.stringify(service.logs.filter((l) => l.level === "error").slice(-5));
      expect(after.filter((r) => r.status !== 200).map(pick), lastErrors()).toEqual([]);
      // Whatever straddled the cut may be either answer, but nothing else: no 500, no dropped connection.
      expect(sent.filter((r) => r.status !== 200 && r.status !== 503).map(pick)).toEqual([]);
    } finally {
      running = false;
      await writers;
    }
    expect(service.alive()).toBe(true);

    // Hundreds of 503s made a handful of fault lines, each saying what failed and none a stack trace.
    const faults = service.logs.filter((l) => l.level === "error" || l.level === "warn");
    const refused = during.length;
    expect(faults.length, JSON.stringify(faults.slice(0, 5))).toBeLessThan(Math.max(12, refused / 10));
    for (const line of faults) {
      expect(JSON.stringify(line)).not.toMatch(/"stack"|\n\s+at |\/src\/|\/dist\//);
      if ("err" in line) expect(line.err).toMatchObject({ type: expect.any(String), message: expect.any(String) });
    }

    const acknowledged = sent.filter((r) => r.status === 200).map((r) => r.id);
    const stored = await query<{ message_id: string }>(
      schema!.url,
      "select message_id from messages where message_id = any($1::text[])",
      [acknowledged],
    );
    expect(stored.map((r) => r.message_id).sort()).toEqual([...acknowledged].sort());
  });

  it("is still the same process, ready, and stops cleanly with exit code 0", async () => {
    expect(service.alive()).toBe(true);
    expect(pick(await getJson(service.baseUrl, "/health/ready"))).toEqual({ status: 200, body: { status: "ready" } });
    expect(await service.stop()).toBe(0);
  });
});
