// The delivery log's use cases against the in-memory log: what is recorded, and how pages are cut.
import { describe, expect, it, vi } from "vitest";
import { listDeliveries } from "../../src/application/list-deliveries.js";
import { recordDelivery } from "../../src/application/record-delivery.js";
import { createUseCases } from "../../src/application/use-cases.js";
import { WEBHOOK_RESULTS } from "../../src/domain/delivery.js";
import { aDelivery } from "../support/deliveries.js";
import { memoryDeliveryLog } from "../support/memory-delivery-log.js";
import { memoryRepository } from "../support/memory-repository.js";

describe("recordDelivery", () => {
  it("records every result but created and duplicate", () => {
    const deliveries = memoryDeliveryLog();
    for (const result of WEBHOOK_RESULTS) recordDelivery({ deliveries }, aDelivery({ result }));
    expect(deliveries.rows.map((d) => d.result)).toEqual(WEBHOOK_RESULTS.filter((r) => r !== "created" && r !== "duplicate"));
  });

  it("records the entry as given when every field is storable", () => {
    const deliveries = memoryDeliveryLog();
    const delivery = aDelivery({ result: "validation_error", messageId: "m-1", reason: "to is required" });
    recordDelivery({ deliveries }, delivery);
    expect(deliveries.rows).toEqual([{ ...delivery, id: "1" }]);
  });

  it("makes text storable and cuts it to its limit, so no entry can fail its batch", () => {
    const deliveries = memoryDeliveryLog();
    recordDelivery(
      { deliveries },
      aDelivery({ messageId: `a\u0000b\ud800${"x".repeat(300)}`, userAgent: "😀".repeat(300), reason: "r".repeat(2000) }),
    );
    const [row] = deliveries.rows;
    expect(row!.messageId!.startsWith("a\ufffdb\ufffdx")).toBe(true);
    expect(Array.from(row!.messageId!)).toHaveLength(256);
    expect(row!.userAgent).toBe("😀".repeat(256));
    expect(row!.reason).toHaveLength(1024);
  });
});

describe("listDeliveries", () => {
  const filled = (count: number) => {
    const deliveries = memoryDeliveryLog();
    for (let i = 0; i < count; i++) deliveries.record(aDelivery({ result: i % 2 ? "too_large" : "invalid_signature" }));
    return deliveries;
  };

  it("hands the log the filters and asks for one entry beyond the page", async () => {
    const deliveries = filled(3);
    const list = vi.spyOn(deliveries, "list");
    await listDeliveries({ deliveries }, { limit: 2, result: "too_large", since: "2025-01-15T10:00:00.000Z", messageId: "m", cursor: "7" });
    expect(list).toHaveBeenCalledWith({ result: "too_large", sinceIso: "2025-01-15T10:00:00.000Z", messageId: "m" }, { limit: 3, before: "7" });
  });

  it("starts at the newest entry without a cursor or with an empty one", async () => {
    const deliveries = filled(3);
    const list = vi.spyOn(deliveries, "list");
    await listDeliveries({ deliveries }, { limit: 5 });
    await listDeliveries({ deliveries }, { limit: 5, cursor: null });
    for (const call of list.mock.calls) expect(call[1]).toEqual({ limit: 6 });
  });

  it("walks every entry newest first, next naming where to continue and null on the last page", async () => {
    const deliveries = filled(7);
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await listDeliveries({ deliveries }, { limit: 3, cursor });
      pages.push(page.data.map((d) => d.id));
      expect(page.limit).toBe(3);
      cursor = page.next;
    } while (cursor !== null);
    expect(pages).toEqual([["7", "6", "5"], ["4", "3", "2"], ["1"]]);
  });

  it("says a full last page is the last one", async () => {
    const page = await listDeliveries({ deliveries: filled(3) }, { limit: 3 });
    expect(page.data).toHaveLength(3);
    expect(page.next).toBeNull();
  });

  it("is bound in createUseCases", async () => {
    const deliveries = memoryDeliveryLog();
    const useCases = createUseCases({ messages: memoryRepository(), deliveries });
    useCases.recordDelivery(aDelivery({ result: "created" }));
    useCases.recordDelivery(aDelivery({ result: "conflict" }));
    expect(await useCases.listDeliveries({ limit: 10 })).toMatchObject({ data: [{ result: "conflict" }], next: null });
  });
});
