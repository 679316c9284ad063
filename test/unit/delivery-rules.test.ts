// Domain rules of the delivery log: the since bound, in the form received_at is stored.
import { describe, expect, it } from "vitest";
import { receivedAtBound } from "../../src/domain/delivery.js";

describe("receivedAtBound", () => {
  it.each([
    ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.000Z"],
    ["2025-01-15t10:00z", "2025-01-15T10:00:00.000Z"],
    ["2025-01-15T15:30:00+05:30", "2025-01-15T10:00:00.000Z"],
    ["2025-01-15T10:00:00.5Z", "2025-01-15T10:00:00.500Z"],
    ["2025-01-15T10:00:00.123000Z", "2025-01-15T10:00:00.123Z"],
    // Finer than a millisecond rounds up: an entry at .123 was received before .1231.
    ["2025-01-15T10:00:00.1231Z", "2025-01-15T10:00:00.124Z"],
    ["2025-12-31T23:59:59.9999Z", "2026-01-01T00:00:00.000Z"],
    ["0000-01-01T00:30:00+01:00", "0000-01-01T00:00:00.000Z"],
    ["9999-12-31T23:00:00-05:00", "9999-12-31T23:59:59.999Z"],
  ])("%s → %s", (since, bound) => {
    expect(receivedAtBound(since)).toBe(bound);
  });

  it.each(["yesterday", "2025-01-15", "2025-01-15T10:00:00", "2025-02-30T00:00:00Z"])("refuses %s", (since) => {
    expect(receivedAtBound(since)).toBeNull();
  });

  it("sorts as text exactly as the instants it names", () => {
    const stored = ["2025-01-15T10:00:00.123Z", "2025-01-15T10:00:00.124Z"];
    const bound = receivedAtBound("2025-01-15T10:00:00.1235Z")!;
    expect(stored.filter((at) => at >= bound)).toEqual(["2025-01-15T10:00:00.124Z"]);
  });
});
