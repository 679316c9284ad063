// Test data for the delivery log: a plausible refused webhook attempt, fields overridable.
import type { Delivery } from "../../src/domain/delivery.js";

let counter = 0;

export function aDelivery(overrides: Partial<Delivery> = {}): Delivery {
  counter += 1;
  return {
    receivedAt: new Date(Date.UTC(2025, 0, 15, 10, 0, 0, counter)).toISOString(),
    requestId: `req-${process.pid}-${counter}`,
    result: "invalid_signature",
    reason: "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
    messageId: null,
    signatureScheme: "x-signature",
    bodyBytes: 120,
    bodySha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    clientAddress: "127.0.0.1",
    userAgent: "curl/8.5.0",
    ...overrides,
  };
}
