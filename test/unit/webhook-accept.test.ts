// The webhook fast path against the contract's schema: the same answer for every body, valid or not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptedWebhook } from "../../src/adapters/http/webhook-accept.js";
import { WebhookBody } from "../../src/contracts/webhook-schemas.js";
import { mutatedMessageObject, validMessageObject } from "../fuzz/message-arbitraries.js";

/** What the schema makes of a body: its data when it accepts, undefined when it refuses. */
const schemaSays = (json: unknown) => {
  const parsed = WebhookBody.safeParse(json);
  return parsed.success ? parsed.data : undefined;
};

/** As the gate hands bodies on: parsed from JSON text, so absent keys are absent and `__proto__` is an own key. */
const asReceived = (value: unknown) => JSON.parse(JSON.stringify(value) ?? "null");

describe("acceptedWebhook", () => {
  it("takes a plainly valid body as the schema gives it", () => {
    const body = { message_id: "m1", from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00.5Z", text: "Hello", extra: 1 };
    expect(acceptedWebhook(body)).toEqual({ ...schemaSays(body), text: "Hello" });
    expect(acceptedWebhook({ ...body, from: undefined, from_: "+919876543210", text: null })?.from).toBe("+919876543210");
  });

  it("leaves to the schema what it refuses, at each rule's edge", () => {
    const body = { message_id: "m1", from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z" };
    const refused = [
      { ...body, message_id: "" },
      { ...body, message_id: "😀".repeat(257) },
      { ...body, message_id: "a\u0000" },
      { ...body, text: "\ud800" },
      { ...body, text: "😀".repeat(4097) },
      { ...body, from: undefined },
      { ...body, from: null },
      { ...body, from_: "+14155550100" },
      { ...body, to: "+0123" },
      { ...body, ts: "2025-02-29T00:00:00Z" },
      { ...body, ts: 1 },
      [body],
      null,
      "m1",
    ];
    for (const json of refused) {
      expect(schemaSays(asReceived(json))).toBeUndefined();
      expect(acceptedWebhook(asReceived(json))).toBeUndefined();
    }
    // At the limits, in code points, and still accepted.
    const longest = { ...body, message_id: "😀".repeat(256), text: "😀".repeat(4096) };
    expect(acceptedWebhook(longest)).toEqual(schemaSays(longest));
    expect(acceptedWebhook(longest)).toBeDefined();
  });

  it("gives the schema's answer for any body", () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: validMessageObject },
      { weight: 5, arbitrary: mutatedMessageObject },
      fc.jsonValue({ maxDepth: 2 }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(body, (value) => {
        const json = asReceived(value);
        const expected = schemaSays(json);
        if (expected !== undefined) accepted++;
        expect(acceptedWebhook(json)).toEqual(expected);
      }),
      { numRuns: 3_000 },
    );
    // Both sides were exercised: not a run of refusals only.
    expect(accepted).toBeGreaterThan(500);
  });
});
