// The delivery log's reads on every database: every field back as recorded, the filters, keyset pages newest first.
import { describe, expect, it } from "vitest";
import type { DeliveryFilter } from "../../src/application/ports.js";
import type { StoredDelivery } from "../../src/domain/delivery.js";
import { DATABASES } from "../support/databases.js";
import { aDelivery } from "../support/deliveries.js";
import { useDeliveryStorage } from "./delivery-storage.js";

const at = (time: string) => `2025-01-15T${time}Z`;

describe.each(DATABASES)("delivery log reads on $name", (database) => {
  const fresh = useDeliveryStorage(database);

  async function filled(deliveries: ReturnType<typeof aDelivery>[]) {
    const storage = await fresh.open();
    for (const delivery of deliveries) storage.deliveries.record(delivery);
    await storage.deliveries.flush();
    const requestIds = async (filter: DeliveryFilter = {}, limit = 1000) =>
      (await storage.deliveries.list(filter, { limit })).map((d) => d.requestId);
    return { storage, requestIds };
  }

  it("gives back every field as recorded, null ones included, with ids in arrival order as decimal strings", async () => {
    const full = aDelivery({
      result: "validation_error",
      reason: "to must be E.164: '+' then 1 to 15 digits, the first not 0",
      messageId: "m-ünï-😀",
      signatureScheme: "standard",
      bodyBytes: 17 * 1024 * 1024,
      clientAddress: "2001:db8::1",
      userAgent: "Ünïcode agent/1.0",
    });
    const sparse = aDelivery({ reason: null, messageId: null, bodySha256: null, clientAddress: null, userAgent: null, bodyBytes: 0, signatureScheme: "none" });
    const { storage } = await filled([full, sparse]);
    const rows = await storage.deliveries.list({}, { limit: 10 });
    expect(rows).toEqual([
      { ...sparse, id: expect.stringMatching(/^[1-9][0-9]*$/) },
      { ...full, id: expect.stringMatching(/^[1-9][0-9]*$/) },
    ] satisfies StoredDelivery[]);
    expect(BigInt(rows[0]!.id)).toBeGreaterThan(BigInt(rows[1]!.id));
  });

  it("filters by result, by message_id, and by received at or after an instant, to the millisecond", async () => {
    const { requestIds } = await filled([
      aDelivery({ requestId: "a", result: "invalid_signature", receivedAt: at("09:59:59.999") }),
      aDelivery({ requestId: "b", result: "validation_error", messageId: "m1", receivedAt: at("10:00:00.000") }),
      aDelivery({ requestId: "c", result: "conflict", messageId: "m1", receivedAt: at("10:00:00.001") }),
      aDelivery({ requestId: "d", result: "validation_error", messageId: "M1", receivedAt: at("11:00:00.000") }),
    ]);
    expect(await requestIds({ result: "validation_error" })).toEqual(["d", "b"]);
    expect(await requestIds({ result: "too_large" })).toEqual([]);
    expect(await requestIds({ messageId: "m1" })).toEqual(["c", "b"]);
    expect(await requestIds({ sinceIso: at("10:00:00.000") })).toEqual(["d", "c", "b"]);
    expect(await requestIds({ sinceIso: at("10:00:00.001") })).toEqual(["d", "c"]);
    expect(await requestIds({ result: "validation_error", messageId: "m1", sinceIso: at("10:00:00.000") })).toEqual(["b"]);
  });

  it("pages newest first with a keyset before the last id seen, skipping and repeating nothing", async () => {
    const recorded = Array.from({ length: 23 }, (_, i) => aDelivery({ result: i % 3 ? "invalid_signature" : "too_large" }));
    const { storage, requestIds } = await filled(recorded);
    expect(await requestIds()).toEqual(recorded.map((d) => d.requestId).reverse());
    for (const filter of [{}, { result: "invalid_signature" as const }]) {
      const all = await requestIds(filter);
      const seen: string[] = [];
      let before: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await storage.deliveries.list(filter, { limit: 4, ...(before ? { before } : {}) });
        seen.push(...page.map((d) => d.requestId));
        if (page.length < 4) break;
        before = page.at(-1)!.id;
        // Entries arriving meanwhile are newer than every page still to come: they change none of them.
        storage.deliveries.record(aDelivery(filter));
        await storage.deliveries.flush();
      }
      expect(seen).toEqual(all);
    }
  });

  it("answers an empty page before the oldest id, and everything before an id beyond the newest", async () => {
    const { storage } = await filled([aDelivery(), aDelivery()]);
    const [newest, oldest] = await storage.deliveries.list({}, { limit: 10 });
    expect(await storage.deliveries.list({}, { limit: 10, before: oldest!.id })).toEqual([]);
    expect(await storage.deliveries.list({}, { limit: 10, before: String(BigInt(newest!.id) + 1000n) })).toHaveLength(2);
    expect(await storage.deliveries.list({}, { limit: 1, before: newest!.id })).toEqual([oldest]);
  });
});
