// SIGKILL mid-stream on SQLite, restart on the same file: every acknowledged message is there, exactly as sent, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, killLeftovers, postSigned, startService, type Service } from "../scale/support.js";
import { canon, inspectFile, listAll, seeded, tempDatabase, varied, type Stored } from "./support.js";

const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const random = seeded(SEED);
const CONCURRENCY = 8;
const CYCLES = 4;
const note = `(replay with CRASH_SEED=${SEED})`;

interface Outcome {
  acked: string[];
  /** Answers that are neither 200 {"status":"ok"} nor missing (a cut-off request): none are expected. */
  other: Array<{ id: string; status: number; body: unknown }>;
}

/** Sends `next()` from CONCURRENCY workers until the service is SIGKILLed `killAfterMs` after the first 200. */
async function streamUntilKilled(service: Service, next: () => { id: string; body: string }, killAfterMs: number) {
  const outcome: Outcome = { acked: [], other: [] };
  let killed = false;
  const kill = () => {
    service.child.kill("SIGKILL");
    killed = true;
  };
  // Counted from the first acknowledgement, so a slow start on a busy machine still leaves a live stream to cut.
  let timer = setTimeout(kill, 10_000);
  const worker = async () => {
    while (!killed) {
      const { id, body } = next();
      const answer = await postSigned(service.baseUrl, body);
      if (answer.status === 200 && JSON.stringify(answer.body) === '{"status":"ok"}') {
        if (outcome.acked.push(id) === 1) {
          clearTimeout(timer);
          timer = setTimeout(kill, killAfterMs);
        }
      }
      // No answer (status 0) leaves the message unknown: stored or not, both are allowed.
      else if (answer.status !== 0) outcome.other.push({ id, status: answer.status, body: answer.body });
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    clearTimeout(timer);
  }
  const exitCode = await service.stop(5_000);
  expect({ exitCode, signal: service.child.signalCode }).toEqual({ exitCode: null, signal: "SIGKILL" });
  return outcome;
}

describe("crash safety on SQLite", () => {
  const db = tempDatabase("crash");
  /** Everything ever sent under a new id, as it should read back if stored; duplicates never go in here. */
  const sent = new Map<string, Stored>();
  /** Every id that got a 200, over all cycles. */
  const acked = new Set<string>();
  let service: Service;
  let sequence = 0;

  const fresh = () => {
    const id = `crash-${SEED}-${sequence}`;
    const { body, stored } = varied(id, sequence++);
    sent.set(id, stored);
    return { id, body };
  };

  /** Restarts on the file and checks it against everything acknowledged so far; returns what it holds. */
  async function restartAndVerify(): Promise<Stored[]> {
    service = await startService({ DATABASE_URL: db.url });
    const stored = await listAll(service.baseUrl);
    const ids = new Set(stored.map((m) => m.message_id));
    expect(ids.size, "a message_id listed twice").toBe(stored.length);
    const lost = [...acked].filter((id) => !ids.has(id));
    expect(lost, `acknowledged but lost ${note}`).toEqual([]);
    // Whatever is stored (acknowledged or not) reads back exactly as its first copy was sent: no torn rows.
    const mismatched = stored.filter((m) => canon(m) !== canon(sent.get(m.message_id)));
    expect(mismatched, `stored differently from what was sent ${note}`).toEqual([]);
    expect(inspectFile(db.path).integrity).toBe("ok");
    return stored;
  }

  async function acceptsNewMessage(before: number) {
    const { id, body } = fresh();
    expect(await postSigned(service.baseUrl, body)).toEqual({ status: 200, body: { status: "ok" } });
    acked.add(id);
    const page = await getJson(service.baseUrl, "/messages?limit=1");
    expect((page.body as { total: number }).total).toBe(before + 1);
  }

  beforeAll(async () => {
    service = await startService({ DATABASE_URL: db.url });
  });

  afterAll(() => {
    killLeftovers();
    db.remove();
  });

  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    it(`cycle ${cycle}: SIGKILL mid-stream loses nothing acknowledged in any cycle so far`, async () => {
      const killAfterMs = 300 + Math.floor(random() * 1200);
      const outcome = await streamUntilKilled(service, fresh, killAfterMs);
      outcome.acked.forEach((id) => acked.add(id));
      // Restarted before judging the stream, so one failing cycle does not leave the next without a server.
      const stored = await restartAndVerify();
      expect(outcome.other, note).toEqual([]);
      // The stream was live up to the kill (whether a request was cut off depends on the client's scheduling).
      expect(outcome.acked.length, note).toBeGreaterThan(0);
      await acceptsNewMessage(stored.length);
    }, 30_000);
  }

  it("a SIGKILL during a burst of duplicates leaves each message stored once, as first sent", async () => {
    const originals = [...acked].slice(0, 400);
    let n = 0;
    // Three copies of each id in a row, so copies of one id are in flight together; each differs from the original.
    const duplicate = () => {
      const id = originals[Math.floor(n / 3) % originals.length]!;
      const first = sent.get(id)!;
      const body = JSON.stringify({ ...first, text: `changed copy ${n++}`, from: "+447700900123" });
      return { id, body };
    };
    const before = await listAll(service.baseUrl);
    const outcome = await streamUntilKilled(service, duplicate, 300 + Math.floor(random() * 700));
    const after = await restartAndVerify();
    expect(outcome.other, note).toEqual([]);
    expect(outcome.acked.length, note).toBeGreaterThan(20);
    expect(after).toEqual(before);
    await acceptsNewMessage(after.length);
  }, 30_000);

  it("after a clean stop the file is intact and holds every acknowledged message exactly as sent", async () => {
    expect(await service.stop(10_000)).toBe(0);
    const { integrity, rows } = inspectFile(db.path);
    expect(integrity).toBe("ok");
    const byId = new Map(rows.map((r) => [r.message_id, r]));
    expect(byId.size).toBe(rows.length);
    expect([...acked].filter((id) => !byId.has(id)), note).toEqual([]);
    expect(rows.filter((r) => canon(r) !== canon(sent.get(r.message_id))), note).toEqual([]);
    expect(acked.size).toBeGreaterThan(CYCLES * 20);
  });
});
