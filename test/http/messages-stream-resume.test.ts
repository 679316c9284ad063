// GET /messages/stream without a position starts at "now" and says where; a reconnect with an event id
// (Last-Event-ID, or ?after=) gets exactly what was stored after it, none twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idsOf, openMessageStream, settledIds } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

describe("GET /messages/stream resumed", () => {
  let server: TestServer;
  const ingest = async (message_id: string) =>
    expect((await server.client.ingestMessage({ body: aMessage({ message_id }) })).status).toBe(200);

  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 150 });
    for (const message_id of ["old-1", "old-2"]) await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id })));
  });
  afterAll(() => server.close());

  it("starts with an id-only block, sends only what arrives later, and resumes from either id", async () => {
    const first = await openMessageStream(server);
    const start = await first.until((s) => s.blocks.length >= 2 && s.blocks);
    expect(start[0]).toEqual({ retry: "2000", comments: [] });
    // The starting point, before any message: a drop now still resumes here.
    expect(start[1]).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]+$/), comments: [] });
    const startId = start[1]!.id!;

    await ingest("live-1");
    const [live1] = await first.untilMessages(1);
    expect(live1!.message.message_id).toBe("live-1");
    first.close();
    await first.ended;

    // Stored while no stream was open: the reconnect must find them in the store.
    await ingest("gap-1");
    await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "gap-2", ts: "2001-01-01T00:00:00Z" })));

    const resumed = await openMessageStream(server, {}, { "Last-Event-ID": live1!.id });
    try {
      expect(idsOf(await resumed.untilMessages(2))).toEqual(["gap-1", "gap-2"]);
      // A position was given: no id-only block.
      expect(resumed.blocks.filter((b) => b.data === undefined && b.id !== undefined)).toEqual([]);
      expect(await settledIds(resumed)).toEqual(["gap-1", "gap-2"]);
    } finally {
      resumed.close();
    }

    const fromStart = await openMessageStream(server, { after: startId });
    try {
      expect(await settledIds(fromStart)).toEqual(["live-1", "gap-1", "gap-2"]);
    } finally {
      fromStart.close();
    }
  });

  it("takes Last-Event-ID over ?after= when both are sent", async () => {
    const all = await openMessageStream(server, { after: "0" });
    const replay = await all.untilMessages(5);
    all.close();
    expect(idsOf(replay)).toEqual(["old-1", "old-2", "live-1", "gap-1", "gap-2"]);

    const both = await openMessageStream(server, { after: "0" }, { "Last-Event-ID": replay[2]!.id });
    try {
      expect(await settledIds(both)).toEqual(["gap-1", "gap-2"]);
    } finally {
      both.close();
    }
    // And the other way round: the header's 0 replays everything, whatever ?after= says.
    const header0 = await openMessageStream(server, { after: replay[3]!.id }, { "Last-Event-ID": "0" });
    try {
      expect(await settledIds(header0)).toEqual(idsOf(replay));
    } finally {
      header0.close();
    }
  });

  it("from an event id in the middle sends exactly the later ones, then live ones, none twice", async () => {
    const all = await openMessageStream(server, { after: "0" });
    const replay = await all.untilMessages(5);
    all.close();

    const middle = await openMessageStream(server, { after: replay[1]!.id });
    try {
      expect(idsOf(await middle.untilMessages(3))).toEqual(["live-1", "gap-1", "gap-2"]);
      // Its ids are the same ones a full replay gives: a resume from any of them lands in the same place.
      expect(middle.messages().map((e) => e.id)).toEqual(replay.slice(2).map((e) => e.id));
      await ingest("live-2");
      await middle.untilMessages(4);
      expect(await settledIds(middle)).toEqual(["live-1", "gap-1", "gap-2", "live-2"]);
    } finally {
      middle.close();
    }

    const last = await openMessageStream(server, { after: replay[4]!.id });
    try {
      expect(await settledIds(last)).toEqual(["live-2"]);
    } finally {
      last.close();
    }
  });
});
