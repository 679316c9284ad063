// Use cases in src/application against the in-memory repository.
import { describe, expect, it, vi } from "vitest";
import { computeStats } from "../../src/application/compute-stats.js";
import { ingestMessage } from "../../src/application/ingest-message.js";
import { listMessages } from "../../src/application/list-messages.js";
import { createUseCases } from "../../src/application/use-cases.js";
import { memoryDeliveryLog } from "../support/memory-delivery-log.js";
import { memoryRepository } from "../support/memory-repository.js";
import { aMessage, keyed } from "../support/messages.js";

describe("ingestMessage", () => {
  it("stores a new message once; a repeat is a duplicate, one with other content a conflict, and the first copy wins", async () => {
    const messages = memoryRepository();
    const first = aMessage({ message_id: "m1", text: "first" });
    expect(await ingestMessage({ messages }, keyed(first))).toEqual({ kind: "created" });
    expect(await ingestMessage({ messages }, keyed(first))).toEqual({ kind: "duplicate" });
    expect(await ingestMessage({ messages }, keyed({ ...first, text: "second", to: "+15550000000" }))).toEqual({
      kind: "conflict",
      storedHash: expect.any(String),
      sentHash: expect.any(String),
    });
    expect([...messages.rows.values()]).toEqual([first]);
  });
});

describe("listMessages", () => {
  const rows = [
    aMessage({ message_id: "a", from: "+111", ts: "2025-01-15T09:59:59.999Z", text: "early hello" }),
    aMessage({ message_id: "b", from: "+222", ts: "2025-01-15T10:00:00Z", text: "Hello there" }),
    aMessage({ message_id: "c", from: "+111", ts: "2025-01-15T10:00:00.5Z", text: null }),
    aMessage({ message_id: "d", from: "+111", ts: "2025-01-15T11:00:00Z", text: "bye" }),
  ];

  it("hands the repository the filters, with since as the instant key the contract parsed, and who waits for it", async () => {
    const messages = memoryRepository(rows);
    const list = vi.spyOn(messages, "list");
    const waiter = { signal: new AbortController().signal };
    await listMessages({ messages }, { limit: 5, offset: 1, from: "+111", sinceKey: "2025-01-15T10:00:00", q: "he" }, waiter);
    expect(list).toHaveBeenCalledWith(
      { from: "+111", sinceKey: "2025-01-15T10:00:00", q: "he" },
      { limit: 5, offset: 1 },
      waiter,
    );
  });

  it("filters by since, at or after the instant", async () => {
    const page = await listMessages({ messages: memoryRepository(rows) }, { limit: 50, offset: 0, sinceKey: "2025-01-15T10:00:00" });
    expect(page.data.map((m) => m.message_id)).toEqual(["b", "c", "d"]);
    expect(page.total).toBe(3);
  });

  it("combines from, q and paging, and echoes limit and offset", async () => {
    const page = await listMessages({ messages: memoryRepository(rows) }, { limit: 1, offset: 1, from: "+111" });
    expect(page).toEqual({ data: [rows[2]], total: 3, limit: 1, offset: 1 });
    const hello = await listMessages({ messages: memoryRepository(rows) }, { limit: 10, offset: 0, q: "HELLO" });
    expect(hello.data.map((m) => m.message_id)).toEqual(["a", "b"]);
  });

  it("treats an empty q as no filter", async () => {
    const messages = memoryRepository(rows);
    const list = vi.spyOn(messages, "list");
    const page = await listMessages({ messages }, { limit: 50, offset: 0, q: "" });
    expect(list.mock.calls[0]![0].q).toBeUndefined();
    expect(page.total).toBe(4);
  });

  it("continues keyset paging from the repository's last position, and ends on a short page", async () => {
    const messages = memoryRepository(rows);
    const first = await listMessages({ messages }, { limit: 2, offset: 0, cursor: null });
    expect(first.next).toEqual({ key: "2025-01-15T10:00:00", messageId: "b" });
    const second = await listMessages({ messages }, { limit: 3, offset: 0, cursor: first.next });
    expect(second.data.map((m) => m.message_id)).toEqual(["c", "d"]);
    expect(second.next).toBeNull();
  });
});

describe("computeStats", () => {
  it("is empty with null timestamps when there are no messages", async () => {
    expect(await computeStats({ messages: memoryRepository() })).toEqual({
      total_messages: 0,
      unique_senders: 0,
      top_senders: [],
      first_message_ts: null,
      last_message_ts: null,
    });
  });

  it("returns at most ten senders by count, ties by from, and the first and last ts by instant", async () => {
    // 12 senders: +100 sends 3, +111 and +101 send 2 each, the rest 1 each.
    const senders = Array.from({ length: 12 }, (_, i) => `+${100 + i}`);
    const rows = senders.map((from, i) => aMessage({ from, ts: `2025-01-15T10:00:${String(10 + i).padStart(2, "0")}Z` }));
    rows.push(aMessage({ from: "+100", ts: "2025-01-15T10:00:00.5Z" }));
    rows.push(aMessage({ from: "+100", ts: "2025-01-15T10:00:00Z" }));
    rows.push(aMessage({ from: "+111", ts: "2025-01-15T10:00:59.25Z" }));
    rows.push(aMessage({ from: "+101", ts: "2025-01-15T10:00:30Z" }));
    const messages = memoryRepository(rows);
    const stats = vi.spyOn(messages, "stats");

    const result = await computeStats({ messages });
    expect(stats).toHaveBeenCalledWith(10);
    expect(result.total_messages).toBe(16);
    expect(result.unique_senders).toBe(12);
    expect(result.top_senders).toEqual([
      { from: "+100", count: 3 },
      { from: "+101", count: 2 },
      { from: "+111", count: 2 },
      ...["+102", "+103", "+104", "+105", "+106", "+107", "+108"].map((from) => ({ from, count: 1 })),
    ]);
    expect(result.first_message_ts).toBe("2025-01-15T10:00:00Z");
    expect(result.last_message_ts).toBe("2025-01-15T10:00:59.25Z");
  });
});

describe("createUseCases", () => {
  it("binds the use cases to the ports", async () => {
    const useCases = createUseCases({ messages: memoryRepository(), deliveries: memoryDeliveryLog() });
    expect(await useCases.ingestMessage(keyed(aMessage({ message_id: "x" })))).toEqual({ kind: "created" });
    expect((await useCases.listMessages({ limit: 10, offset: 0 })).total).toBe(1);
    expect((await useCases.computeStats()).total_messages).toBe(1);
  });

  it("is ready only while the store answers and takes writes, and says which is missing", async () => {
    const ready = (messages: ReturnType<typeof memoryRepository>) => createUseCases({ messages, deliveries: memoryDeliveryLog() }).checkReadiness();
    expect(await ready(memoryRepository())).toEqual({ ready: true });
    const down = { ...memoryRepository(), ping: () => Promise.reject(new Error("connection refused")) };
    expect(await ready(down)).toEqual({ ready: false, reason: "database unavailable" });
    const full = { ...memoryRepository(), writable: () => Promise.reject(new Error("disk full")) };
    expect(await ready(full)).toEqual({ ready: false, reason: "database not accepting writes" });
  });
});

describe("listMessages with a q no stored text can contain", () => {
  it.each(["Hello\u0000", "\ud800abc"])("answers an empty page without asking the repository (%j)", async (q) => {
    const repository = memoryRepository([aMessage({ text: "Hello" })]);
    repository.list = async () => {
      throw new Error("the repository must not be asked");
    };
    expect(await listMessages({ messages: repository }, { limit: 5, offset: 0, q })).toEqual({ data: [], total: 0, limit: 5, offset: 0 });
    expect(await listMessages({ messages: repository }, { limit: 5, offset: 0, q, cursor: null })).toMatchObject({ next: null });
  });
});
