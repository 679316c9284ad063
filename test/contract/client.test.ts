// The typed client: signs the exact bytes it sends, and returns typed results for declared statuses.
import { createHmac, verify } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LyftrApiError, createClient } from "../../src/contracts/client.js";
import { keyPair } from "../support/ed25519.js";
import { aMessage, keyed } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";

/** A bare server that records what arrives, so the client's bytes can be checked independently. */
async function recordingServer() {
  const seen: { body: Buffer; signature: string | undefined; headers: IncomingMessage["headers"] }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ body: Buffer.concat(chunks), signature: req.headers["x-signature"] as string | undefined, headers: req.headers });
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

describe("typed client", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("signs the exact bytes it sends, non-ASCII text included", async () => {
    const recorder = await recordingServer();
    try {
      const client = createClient({ baseUrl: recorder.baseUrl, secret: "k€y" });
      await client.ingestMessage({ body: aMessage({ text: "héllo 👋 世界" }) });
      const [request] = recorder.seen;
      const expected = createHmac("sha256", Buffer.from("k€y", "utf8")).update(request!.body).digest("hex");
      expect(request!.signature).toBe(expected);
      expect(JSON.parse(request!.body.toString("utf8")).text).toBe("héllo 👋 世界");
    } finally {
      await recorder.close();
    }
  });

  it("signs with the decoded bytes of a whsec_ secret", async () => {
    const recorder = await recordingServer();
    try {
      const raw = Buffer.from("0123456789abcdef0123456789abcdef");
      await createClient({ baseUrl: recorder.baseUrl, secret: `whsec_${raw.toString("base64")}` }).ingestMessage({ body: aMessage() });
      const [request] = recorder.seen;
      expect(request!.signature).toBe(createHmac("sha256", raw).update(request!.body).digest("hex"));
    } finally {
      await recorder.close();
    }
  });

  it("is accepted by the server with the right secret", async () => {
    const result = await createClient({ baseUrl: server.baseUrl, secret: SECRET }).ingestMessage({ body: aMessage() });
    expect(result).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("returns 401 as a typed result without a secret or with the wrong one", async () => {
    for (const secret of [undefined, "not-the-secret"]) {
      const result = await createClient({ baseUrl: server.baseUrl, secret }).ingestMessage({ body: aMessage() });
      expect(result.status).toBe(401);
      if (result.status === 401) expect(result.body.detail).toBe("invalid signature");
    }
  });

  it("reads GET /metrics as Prometheus text, checked against the contract", async () => {
    const result = await server.client.metrics();
    expect(result.status).toBe(200);
    expect(result.body).toMatch(/^# HELP /m);
    expect(result.body).toContain("webhook_requests_total");
  });

  it("accepts a base URL with a trailing slash", async () => {
    const result = await createClient({ baseUrl: `${server.baseUrl}/` }).live();
    expect(result).toMatchObject({ status: 200, body: { status: "live" } });
  });

  it("iterates every matching message across pages, in list order, with each filter, and skips undefined ones", async () => {
    const from = "+447700900001";
    const messages = Array.from({ length: 230 }, (_, i) =>
      aMessage({ message_id: `it-${String(i).padStart(3, "0")}`, from, ts: `2025-03-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z`, text: i % 3 === 0 ? "needle" : "hay" }),
    );
    for (const m of messages) await server.storage.messages.insertIfAbsent(keyed(m));
    const collect = async (filters: Parameters<typeof server.client.messages>[0]) => {
      const ids: string[] = [];
      for await (const m of server.client.messages(filters)) ids.push(m.message_id);
      return ids;
    };
    expect(await collect({ from })).toEqual(messages.map((m) => m.message_id));
    expect(await collect({ from, q: "NEEDLE" })).toEqual(messages.filter((m) => m.text === "needle").map((m) => m.message_id));
    expect(await collect({ from, since: "2025-03-01T00:03:00Z", q: undefined })).toEqual(messages.slice(180).map((m) => m.message_id));
    expect(await collect({ from: "+447700900002" })).toEqual([]);
  });

  it("stops with a LyftrApiError carrying the status and body when a page is refused", async () => {
    const pages = server.client.messages({ since: "yesterday" });
    const error = await pages.next().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(LyftrApiError);
    expect(error).toMatchObject({ status: 422, body: { errors: [{ path: "since" }] } });
  });

  it("sends numeric query parameters the server parses back", async () => {
    const result = await server.client.listMessages({ query: { limit: 7, offset: 3 } });
    expect(result.status).toBe(200);
    if (result.status === 200) expect([result.body.limit, result.body.offset]).toEqual([7, 3]);
  });
});

describe("typed client with a whsk_ secret key: Standard Webhooks v1a", () => {
  const pair = keyPair();
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: "", publicKeys: pair.whpk });
  });
  afterAll(() => server.close());

  it("signs v1a over the exact bytes sent, with a fresh webhook-id each call and the current time", async () => {
    const recorder = await recordingServer();
    try {
      const client = createClient({ baseUrl: recorder.baseUrl, secret: pair.whsk });
      await client.ingestMessage({ body: aMessage({ text: "héllo 👋 世界" }) });
      await client.ingestMessage({ body: aMessage() });
      const [first, second] = recorder.seen;
      for (const { body, headers, signature } of [first!, second!]) {
        expect(signature).toBeUndefined();
        const id = headers["webhook-id"] as string;
        const timestamp = headers["webhook-timestamp"] as string;
        expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
        expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
        const [version, encoded] = (headers["webhook-signature"] as string).split(",");
        expect(version).toBe("v1a");
        const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
        expect(verify(null, content, pair.publicKey, Buffer.from(encoded!, "base64"))).toBe(true);
      }
      expect(first!.headers["webhook-id"]).not.toBe(second!.headers["webhook-id"]);
    } finally {
      await recorder.close();
    }
  });

  it("is accepted by a server holding the whpk_ key, which stores the message", async () => {
    const message = aMessage();
    const result = await createClient({ baseUrl: server.baseUrl, secret: pair.whsk }).ingestMessage({ body: message });
    expect(result).toMatchObject({ status: 200, body: { status: "ok" } });
    const page = await server.client.listMessages({ query: { limit: 100 } });
    expect(page.status === 200 && page.body.data.some((m) => m.message_id === message.message_id)).toBe(true);
  });

  it("is refused by a server holding another key", async () => {
    const result = await createClient({ baseUrl: server.baseUrl, secret: keyPair().whsk }).ingestMessage({ body: aMessage() });
    expect(result.status).toBe(401);
  });

  it("refuses a malformed whsk_ key when created, without echoing it", () => {
    expect(() => createClient({ baseUrl: server.baseUrl, secret: "whsk_TOPSECRET" })).toThrow(/^a whsk_ key must be followed by the base64/);
  });
});
