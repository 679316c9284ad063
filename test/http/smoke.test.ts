import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

describe("smoke", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("stores a signed message and lists it", async () => {
    const m = aMessage();
    const posted = await server.client.ingestMessage({ body: m });
    expect(posted.status).toBe(200);
    const listed = await server.client.listMessages({ query: { limit: 10 } });
    expect(listed.status).toBe(200);
    if (listed.status === 200) expect(listed.body.data).toEqual([m]);
  });
});
