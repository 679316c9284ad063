// The live stream under several writers on two instances (PostgreSQL) or two processes (one SQLite file): readers
// dropped and resumed at random points, on either instance, get every acknowledged message exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresSkipReason } from "../support/databases.js";
import { eventBlocks } from "./event-reader.js";
import { freshSchema, killLeftovers, mapLimit, postSigned, startService, type Service } from "./support.js";

const skipPostgres = await postgresSkipReason();
if (skipPostgres) console.warn(`scale/stream-resume on PostgreSQL skipped: ${skipPostgres}`);

const MESSAGES = 600;
const WRITERS = 8;
const READERS = 3;

// Seeded, so a failing run can be replayed.
function randomFrom(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const message = (run: string, i: number) =>
  JSON.stringify({
    message_id: `${run}-${i}`,
    from: `+1415555${String(1000 + (i % 5))}`,
    to: "+919876543210",
    // Instants out of arrival order on purpose: the stream follows arrival, not ts.
    ts: new Date(Date.UTC(2025, 0, 15, 10, 0, (i * 7919) % 3600)).toISOString().replace(".000Z", "Z"),
    text: `message ${i}`,
  });

/**
 * Reads the stream until it holds every id in `expected` or `deadline` passes, dropping the connection after a
 * random number of events (or a random wait) and resuming from the last id seen, on a random instance.
 */
async function readWithDrops(services: Service[], random: () => number, seen: string[], done: () => boolean, deadline: number) {
  let lastId = "0";
  let reconnects = 0;
  while (!done() && Date.now() < deadline) {
    const service = services[Math.floor(random() * services.length)]!;
    const controller = new AbortController();
    const dropAfter = Math.floor(random() * 40);
    const timer = setTimeout(() => controller.abort(), 50 + random() * 400);
    try {
      const res = await fetch(`${service.baseUrl}/messages/stream`, { headers: { "last-event-id": lastId }, signal: controller.signal });
      expect(res.status).toBe(200);
      let events = 0;
      for await (const block of eventBlocks(res.body!)) {
        if (block.id !== undefined) lastId = block.id;
        if (block.data !== undefined) {
          seen.push((JSON.parse(block.data) as { message_id: string }).message_id);
          if (++events >= dropAfter || done()) break;
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    reconnects++;
  }
  return { seen, reconnects };
}

async function runScenario(services: Service[], run: string, seed: number) {
  const acknowledged = new Set<string>();
  const random = randomFrom(seed);
  const seenBy: string[][] = Array.from({ length: READERS }, () => []);
  let writing = true;
  // Done once writing is over and a reader holds every acknowledged id (a missing one keeps it reading to the deadline).
  const allIn = (seen: string[]) => () => {
    if (writing) return false;
    const held = new Set(seen);
    return [...acknowledged].every((id) => held.has(id));
  };
  const deadline = Date.now() + 60_000;
  const tracked = seenBy.map((seen, i) => readWithDrops(services, randomFrom(seed + i + 1), seen, allIn(seen), deadline));
  // Each message posted once to a random instance, some twice (a retry elsewhere): only 200s count as acknowledged.
  const posts = Array.from({ length: MESSAGES }, (_, i) => i).flatMap((i) => (i % 10 === 0 ? [i, i] : [i]));
  await mapLimit(posts, WRITERS, async (i) => {
    const service = services[Math.floor(random() * services.length)]!;
    const answer = await postSigned(service.baseUrl, message(run, i));
    if (answer.status === 200) acknowledged.add(`${run}-${i}`);
  });
  writing = false;
  return { acknowledged, results: await Promise.all(tracked) };
}

/** Runs the scenario: every message acknowledged, and every reader, dropped often, saw each exactly once. */
async function expectEveryReaderExact(services: Service[], run: string, seed: number) {
  const { acknowledged, results } = await runScenario(services, run, seed);
  expect(acknowledged.size).toBe(MESSAGES);
  for (const { seen, reconnects } of results) {
    expectExactlyOnce(acknowledged, seen, run);
    expect(reconnects).toBeGreaterThan(5);
  }
}

function expectExactlyOnce(acknowledged: Set<string>, seen: string[], run: string) {
  const ours = seen.filter((id) => id.startsWith(`${run}-`));
  const counts = new Map<string, number>();
  for (const id of ours) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = [...acknowledged].filter((id) => !counts.has(id));
  const unknown = [...counts.keys()].filter((id) => !acknowledged.has(id));
  expect({ twice, missing, unknown }).toEqual({ twice: [], missing: [], unknown: [] });
}

describe("stream resumed at random points while several writers ingest", () => {
  afterAll(() => killLeftovers());

  it.skipIf(skipPostgres)(
    "two instances on one PostgreSQL database",
    async () => {
      const schema = await freshSchema();
      const env = { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: "5" };
      const services = await Promise.all([startService(env), startService(env)]);
      try {
        await expectEveryReaderExact(services, `pg${process.pid}`, 20261202);
      } finally {
        await Promise.all(services.map((s) => s.stop()));
        await schema.drop();
      }
    },
    120_000,
  );

  it(
    "two processes on one SQLite file",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "lyftr-stream-"));
      const env = { DATABASE_URL: `sqlite:///${join(dir, "app.db")}` };
      // One first: two processes creating the same empty file race on its schema, which is not what this tests.
      const first = await startService(env);
      const services = [first, await startService(env)];
      try {
        await expectEveryReaderExact(services, `sq${process.pid}`, 7);
      } finally {
        await Promise.all(services.map((s) => s.stop()));
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
