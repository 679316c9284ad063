// A q that stored text can never contain (NUL, a lone surrogate) is an empty page on every database, not an error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

describe("GET /messages?q= with characters no stored text holds", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await server.client.ingestMessage({ body: aMessage({ text: "Hello there" }) });
  });
  afterAll(() => server.close());

  it.each(["Hello%00", "%00", "Hel%00lo%20there"])("q=%s answers 200 with nothing", async (q) => {
    const res = await fetch(`${server.baseUrl}/messages?q=${q}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], total: 0, limit: 50, offset: 0 });
    expect(server.loggedErrors).toEqual([]);
  });

  it("still finds the text without the NUL", async () => {
    const page = (await (await fetch(`${server.baseUrl}/messages?q=Hello`)).json()) as { total: number };
    expect(page.total).toBe(1);
  });
});
