// POST /webhook when the database cannot take the write: 503, never a 200 or a 500, and nothing internal leaks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_AFTER_SECONDS } from "../../src/contracts/contract-parts.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { expectError, json, rawPost, signedJson, viaClient } from "./webhook-support.js";

describe("database closed under a running server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    expect((await server.client.ready()).status).toBe(200);
    await server.storage.close();
  });
  afterAll(() => server.close());

  it("answers 503 with a detail to a valid message from the typed client", async () => {
    const res = await viaClient(server.client.ingestMessage({ body: aMessage() }));
    expectError(res, 503);
  });

  it("answers 503 to a valid raw signed message, and logs the failure for operators", async () => {
    const before = server.loggedErrors.length;
    const body = json(aMessage());
    expectError(await rawPost(server.baseUrl, body, signedJson(body)), 503);
    expect(server.loggedErrors.length).toBeGreaterThan(before);
  });

  it("says when to try again: Retry-After in seconds", async () => {
    const body = json(aMessage());
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expectError(res, 503, "database unavailable");
    expect(res.retryAfter).toBe(String(RETRY_AFTER_SECONDS));
  });

  it("keeps answering 503 to repeated attempts, never 200", async () => {
    const m = aMessage();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await server.client.ingestMessage({ body: m })).status);
    expect(statuses).toEqual([503, 503, 503]);
  });

  it("still checks the signature first: a wrong one is 401", async () => {
    const body = json(aMessage());
    const res = await rawPost(server.baseUrl, body, signedJson(body, "not-the-secret"));
    expectError(res, 401, "invalid signature");
  });

  it("still validates first: an invalid message is 422", async () => {
    const res = await viaClient(server.client.ingestMessage({ body: { ...aMessage(), to: "nobody" } }));
    expect(res.status).toBe(422);
  });

  it("reports not ready", async () => {
    const res = await server.client.ready();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "not ready", reason: expect.any(String) });
  });
});

describe("database whose messages table has gone", () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-broken-"));
    const path = join(dir, "app.db");
    server = await startServer({ database: { kind: "sqlite", path } });
    const other = new BetterSqlite3(path);
    other.exec("DROP TABLE messages");
    other.close();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 503 to a valid signed message, without SQL or driver text in the body", async () => {
    const body = json(aMessage());
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expectError(res, 503);
    expect(res.text).not.toContain("messages");
  });

  it("answers 503 to the typed client too", async () => {
    expectError(await viaClient(server.client.ingestMessage({ body: aMessage() })), 503);
  });
});
