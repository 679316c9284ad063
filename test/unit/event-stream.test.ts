// The Server-Sent Events parser against the WHATWG rules, fed whole and in every possible two-piece cut.
import { describe, expect, it } from "vitest";
import { TEXT_MAX_CHARS } from "../../src/domain/message.js";
import { EventStreamParser, EventStreamTooLarge, MAX_BLOCK_CHARS, type EventStreamItem } from "../../src/contracts/event-stream.js";

const parse = (chunks: string[], lastEventId?: string): EventStreamItem[] => {
  const parser = new EventStreamParser(lastEventId);
  return chunks.flatMap((chunk) => parser.push(chunk));
};

/** The same items whole, cut at every index, and one character at a time. */
function parsesAlike(text: string, lastEventId?: string): EventStreamItem[] {
  const whole = parse([text], lastEventId);
  for (let i = 0; i <= text.length; i++) {
    expect(parse([text.slice(0, i), text.slice(i)], lastEventId), `cut at ${i}`).toEqual(whole);
  }
  expect(parse([...text], lastEventId), "one character at a time").toEqual(whole);
  return whole;
}

const event = (data: string, lastEventId = "", type = "message"): EventStreamItem => ({ kind: "event", type, data, lastEventId });

describe("EventStreamParser", () => {
  it("reads what the service sends: retry, an id alone, messages, heartbeats with and without an id", () => {
    const text = 'retry: 2000\n\nid: AAA\n\nid: BBB\ndata: {"a":1}\n\n: heartbeat\n\n: heartbeat\nid: CCC\n\nid: DDD\ndata: {"b":2}\n\n';
    expect(parsesAlike(text)).toEqual([
      { kind: "retry", ms: 2000 },
      { kind: "id", lastEventId: "AAA" },
      event('{"a":1}', "BBB"),
      { kind: "id", lastEventId: "CCC" },
      event('{"b":2}', "DDD"),
    ]);
  });

  it("ends lines at CRLF, LF and CR alike, a CRLF cut between its two characters included", () => {
    const expected = [event("one", "1"), event("two", "2"), event("three", "3")];
    expect(parsesAlike("id: 1\r\ndata: one\r\n\r\nid: 2\ndata: two\n\nid: 3\rdata: three\r\r")).toEqual(expected);
    expect(parse(["id: 1\r", "\ndata: one\r", "\n\r", "\n"])).toEqual([event("one", "1")]);
    // A CR then an empty chunk then a LF: still one line end, not a blank line that would dispatch early.
    expect(parse(["data: a\r", "", "\ndata: b\n\n"])).toEqual([event("a\nb")]);
  });

  it("joins data lines with LF, keeps a second leading space, and takes a field without a colon as empty", () => {
    expect(parsesAlike("data: first\ndata:  second\ndata:third\ndata\n\n")).toEqual([event("first\n second\nthird\n")]);
    expect(parsesAlike("data\n\n")).toEqual([event("")]);
    expect(parsesAlike("data: a: b\n\n")).toEqual([event("a: b")]);
  });

  it("skips comments and unknown fields, and takes the event type for one event only", () => {
    expect(parsesAlike(":comment\n: another\nfoo: bar\nevent: ping\ndata: x\n\ndata: y\n\n")).toEqual([event("x", "", "ping"), event("y")]);
  });

  it("ignores an id with NUL in it, keeps the last id across events, and reports an id alone only when it moved", () => {
    expect(parsesAlike("id: a\0b\ndata: x\n\nid: 7\n\nid: 7\n\ndata: y\n\n", "5")).toEqual([
      event("x", "5"),
      { kind: "id", lastEventId: "7" },
      event("y", "7"),
    ]);
    expect(parsesAlike("id\n\n", "5")).toEqual([{ kind: "id", lastEventId: "" }]);
  });

  it("takes retry only as ASCII digits", () => {
    expect(parsesAlike("retry: 15\nretry: 1.5\nretry: -3\nretry: x\nretry:\n\n")).toEqual([{ kind: "retry", ms: 15 }]);
  });

  it("never dispatches a block the stream ends inside, nor its id", () => {
    expect(parsesAlike("id: 1\ndata: done\n\nid: 2\ndata: half")).toEqual([event("done", "1")]);
    expect(parsesAlike("id: 1\ndata: done\n\nid: 2\ndata: half\n")).toEqual([event("done", "1")]);
  });

  it("refuses a block past its limit, whether one endless line or endless data lines, and takes one at the limit", () => {
    const endlessLine = new EventStreamParser("", 100);
    expect(endlessLine.push("data: " + "x".repeat(90))).toEqual([]);
    expect(() => endlessLine.push("x".repeat(10))).toThrow(EventStreamTooLarge);
    const endlessData = new EventStreamParser("", 100);
    expect(() => {
      for (let i = 0; i < 100; i++) endlessData.push("data: 0123456789\n");
    }).toThrow("event stream block over 100 characters without an end");
    // 99 characters of data plus its line end: at the limit, and dispatched.
    expect(parse(["data: " + "y".repeat(99) + "\n", "\n"])).toEqual([event("y".repeat(99))]);
    expect(new EventStreamParser("", 100).push("data: " + "y".repeat(99) + "\n\n")).toEqual([event("y".repeat(99))]);
    // The default leaves room for any message the service sends, ten times over: texts of up to
    // TEXT_MAX_CHARS characters, at most six each once escaped in JSON.
    expect(MAX_BLOCK_CHARS).toBeGreaterThan(10 * 6 * TEXT_MAX_CHARS);
  });
});
