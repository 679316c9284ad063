// Three service processes on one fresh PostgreSQL schema: racing migrations, racing duplicates, each message stored once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSkipReason } from "../support/databases.js";
import { postgresMigrations } from "../../src/adapters/storage/postgres/migrations.js";
import {
  freshSchema,
  getJson,
  killLeftovers,
  mapLimit,
  postSigned,
  query,
  startService,
  waitFor,
  type Service,
} from "./support.js";

const skipReason = await postgresSkipReason();
if (skipReason) console.warn(`scale/multi-instance skipped: ${skipReason}`);

const INSTANCES = 3;
const MESSAGES = 300;
const COPIES = 4;
const SENDERS = 7;

const message = (i: number) => ({
  message_id: `scale-${process.pid}-${i}`,
  from: `+1415555${String(1000 + (i % SENDERS))}`,
  to: "+919876543210",
  ts: new Date(Date.UTC(2025, 0, 15, 10, 0, i)).toISOString().replace(".000Z", "Z"),
  text: `message ${i}`,
});

// Seeded, so a failing order can be replayed.
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.skipIf(skipReason)("several instances on one database", () => {
  let schema: { url: string; drop(): Promise<void> } | undefined;
  let services: Service[] = [];

  beforeAll(async () => {
    schema = await freshSchema();
    const env = { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: "5" };
    // Spawned in one tick, so all three race to migrate the empty schema.
    services = await Promise.all(Array.from({ length: INSTANCES }, () => startService(env)));
  });

  afterAll(async () => {
    killLeftovers();
    await schema?.drop();
  });

  it("all start on the same empty schema, apply the migration once, and become ready", async () => {
    for (const service of services) {
      const ready = await waitFor(`${service.baseUrl} to be ready`, async () => {
        const res = await getJson(service.baseUrl, "/health/ready");
        return res.status === 200 ? res : undefined;
      });
      expect(ready.body).toEqual({ status: "ready" });
    }
    expect(services.map((s) => s.alive())).toEqual([true, true, true]);
    const applied = await query<{ name: string }>(schema!.url, "select name from kysely_migration order by name");
    expect(applied.map((r) => r.name)).toEqual(Object.keys(postgresMigrations).sort()); // each once
    // A lost migration race would show as an error and a 2 s retry: taking turns must not need one.
    const errors = services.flatMap((s) => s.logs.filter((l) => Number(l.level) >= 50));
    expect(errors).toEqual([]);
  });

  it("acknowledges 1200 racing copies of 300 messages and stores each exactly once", async () => {
    const bodies = Array.from({ length: MESSAGES }, (_, i) => JSON.stringify(message(i)));
    // Copies of one message sit next to each other and go to different instances, so they are in flight together.
    const jobs = shuffled(Array.from({ length: MESSAGES }, (_, i) => i), 20250115).flatMap((i) =>
      Array.from({ length: COPIES }, (_, copy) => ({ i, instance: (i + copy) % INSTANCES })),
    );
    const answers = await mapLimit(jobs, 32, ({ i, instance }) => postSigned(services[instance]!.baseUrl, bodies[i]!));

    const unexpected = answers
      .map((a, n) => ({ ...a, job: jobs[n] }))
      .filter((a) => a.status !== 200 || JSON.stringify(a.body) !== '{"status":"ok"}');
    expect(unexpected).toEqual([]);
    expect(answers).toHaveLength(MESSAGES * COPIES);

    const counts = await query<{ rows: string; ids: string }>(
      schema!.url,
      "select count(*) as rows, count(distinct message_id) as ids from messages",
    );
    expect(counts).toEqual([{ rows: String(MESSAGES), ids: String(MESSAGES) }]);
    const stored = await query<{ message_id: string; from_msisdn: string; ts: string; text: string }>(
      schema!.url,
      "select message_id, from_msisdn, ts, text from messages",
    );
    const expected = Array.from({ length: MESSAGES }, (_, i) => message(i));
    const byId = (a: { message_id: string }, b: { message_id: string }) => (a.message_id < b.message_id ? -1 : 1);
    expect(stored.sort(byId)).toEqual(
      expected.map((m) => ({ message_id: m.message_id, from_msisdn: m.from, ts: m.ts, text: m.text })).sort(byId),
    );
  }, 45_000);

  it("every instance reports the same 300 messages through /messages and /stats", async () => {
    const expected = Array.from({ length: MESSAGES }, (_, i) => message(i));
    for (const service of services) {
      const page = await getJson(service.baseUrl, "/messages?limit=100&offset=200");
      expect(page.status).toBe(200);
      expect(page.body).toEqual({ data: expected.slice(200, 300), total: MESSAGES, limit: 100, offset: 200 });

      const stats = await getJson(service.baseUrl, "/stats");
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({
        total_messages: MESSAGES,
        unique_senders: SENDERS,
        first_message_ts: expected[0]!.ts,
        last_message_ts: expected[MESSAGES - 1]!.ts,
      });
    }
  });

  it("each instance exits with code 0 on SIGTERM", async () => {
    const codes = await Promise.all(services.map((s) => s.stop()));
    expect(codes).toEqual([0, 0, 0]);
    const stopped = services.map((s) => s.logs.some((l) => l.msg === "shutting down" && l.signal === "SIGTERM"));
    expect(stopped).toEqual([true, true, true]);
  });
});
