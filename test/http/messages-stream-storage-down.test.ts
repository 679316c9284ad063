// GET /messages/stream when the database is gone: a 503 before any event, not a 200 that never says anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMessageStream } from "../support/event-stream.js";
import { startServer, type TestServer } from "../support/server.js";

describe("GET /messages/stream with the database closed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await server.storage.close();
  });
  afterAll(() => server.close());

  // Each start reads the store before answering: with no position (the tail), from 0, and from an id.
  it.each<Record<string, string>>([{}, { after: "0" }, { after: Buffer.from('["5","m"]').toString("base64url") }])("answers 503 JSON to %j", async (query) => {
    const stream = await openMessageStream(server, query);
    await stream.ended;
    expect(stream.status).toBe(503);
    expect(stream.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(stream.text())).toEqual({ detail: "database unavailable" });
  });
});
