// GET /messages/stream?from=&q=: the list's filters, in replay and live; a heartbeat's id moves past what did not match.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idsOf, openMessageStream, settledIds } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const ALICE = "+14155550001";
const BOB = "+14155550002";

describe("GET /messages/stream filters", () => {
  let server: TestServer;
  const ingest = async (message_id: string, from: string, text: string) =>
    expect((await server.client.ingestMessage({ body: aMessage({ message_id, from, text }) })).status).toBe(200);

  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 150 });
    const stored: [string, string, string][] = [
      ["s1", ALICE, "xxÄBCxx"],
      ["s2", BOB, "äbc"],
      ["s3", ALICE, "plain"],
      ["s4", BOB, "abc"],
      ["s5", ALICE, "ÄbC at the start"],
    ];
    for (const [message_id, from, text] of stored) await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id, from, text })));
  });
  afterAll(() => server.close());

  it("from= sends one sender's messages, stored and live", async () => {
    const stream = await openMessageStream(server, { after: "0", from: ALICE });
    try {
      expect(idsOf(await stream.untilMessages(3))).toEqual(["s1", "s3", "s5"]);
      await ingest("l1", BOB, "not hers");
      await ingest("l2", ALICE, "hers");
      await stream.untilMessages(4);
      expect(await settledIds(stream)).toEqual(["s1", "s3", "s5", "l2"]);
    } finally {
      stream.close();
    }
  });

  it("q= matches case-insensitively beyond ASCII (äbc finds ÄBC), stored and live, alone and with from=", async () => {
    const q = await openMessageStream(server, { after: "0", q: "äbc" });
    const both = await openMessageStream(server, { after: "0", q: "ÄBC", from: BOB });
    try {
      expect(idsOf(await q.untilMessages(3))).toEqual(["s1", "s2", "s5"]);
      expect(idsOf(await both.untilMessages(1))).toEqual(["s2"]);
      await ingest("l3", BOB, "abc only ASCII");
      await ingest("l4", BOB, "new ÄBC here");
      await ingest("l5", ALICE, "ääbcc");
      await q.untilMessages(5);
      expect(await settledIds(q)).toEqual(["s1", "s2", "s5", "l4", "l5"]);
      expect(await settledIds(both)).toEqual(["s2", "l4"]);
    } finally {
      q.close();
      both.close();
    }
  });

  it("a replay that matched nothing stored moves past it: the heartbeat's id is the last stored message's", async () => {
    const all = await openMessageStream(server, { after: "0" });
    const none = await openMessageStream(server, { after: "0", q: "no such text" });
    try {
      await all.untilMessages(5);
      const stored = await settledIds(all);
      const lastId = all.messages().at(-1)!.id;
      expect(stored).toContain("s5");
      const moved = await none.until((s) => s.blocks.find((b) => b.comments.includes("heartbeat") && b.id !== undefined));
      expect(moved.id).toBe(lastId);
      expect(none.messages()).toEqual([]);
    } finally {
      all.close();
      none.close();
    }
  });

  it("a heartbeat carries an id past messages that did not match, and a resume from it sends only later ones", async () => {
    const stream = await openMessageStream(server, { from: ALICE });
    try {
      const start = (await stream.until((s) => s.blocks[1]?.id))!;
      // Nothing moved yet: plain heartbeats, no id.
      await stream.until((s) => s.blocks.some((b) => b.comments.includes("heartbeat")));
      expect(stream.blocks.filter((b) => b.comments.includes("heartbeat")).every((b) => b.id === undefined)).toBe(true);

      for (const id of ["skip-1", "skip-2", "skip-3"]) await ingest(id, BOB, "not for alice");
      await stream.until((s) => s.blocks.some((b) => b.comments.includes("heartbeat") && b.id !== undefined));
      // The last id a heartbeat sent once it had seen all three (an earlier one may have seen fewer).
      expect(await settledIds(stream)).toEqual([]);
      const moved = stream.blocks.findLast((b) => b.comments.includes("heartbeat") && b.id !== undefined)!;
      expect(moved.id).not.toBe(start);

      await ingest("after-1", BOB, "later");
      await ingest("after-2", ALICE, "later");
      // Unfiltered, so the skipped ones would show if the heartbeat's id had not moved past them.
      const resumed = await openMessageStream(server, {}, { "Last-Event-ID": moved.id! });
      const filtered = await openMessageStream(server, { from: ALICE }, { "Last-Event-ID": moved.id! });
      try {
        await resumed.untilMessages(2);
        expect(await settledIds(resumed)).toEqual(["after-1", "after-2"]);
        expect(await settledIds(filtered)).toEqual(["after-2"]);
      } finally {
        resumed.close();
        filtered.close();
      }
    } finally {
      stream.close();
    }
  });
});
