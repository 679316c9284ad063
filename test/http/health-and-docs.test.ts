// Health probes (live, ready, and what makes ready fail) and the generated docs: OpenAPI document and Swagger UI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";

async function getJson(server: TestServer, path: string) {
  const res = await fetch(`${server.baseUrl}${path}`);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("health with a secret and a database", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("live answers 200 {status: live}", async () => {
    expect(await getJson(server, "/health/live")).toEqual({ status: 200, body: { status: "live" } });
  });

  it("ready answers 200 {status: ready}", async () => {
    expect(await getJson(server, "/health/ready")).toEqual({ status: 200, body: { status: "ready" } });
  });

  it("both answer through the typed client", async () => {
    expect(await server.client.live()).toMatchObject({ status: 200, body: { status: "live" } });
    expect(await server.client.ready()).toMatchObject({ status: 200, body: { status: "ready" } });
  });
});

describe("health without a webhook secret", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: "" });
  });
  afterAll(() => server.close());

  it("ready answers 503 with a reason", async () => {
    const res = await getJson(server, "/health/ready");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "not ready", reason: expect.stringMatching(/secret/) });
  });

  it("live still answers 200", async () => {
    expect(await getJson(server, "/health/live")).toEqual({ status: 200, body: { status: "live" } });
  });
});

describe("health after the database is closed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await server.storage.close();
  });
  // close() closes the storage again; a second destroy must not fail the suite.
  afterAll(() => server.close());

  it("ready answers 503 with a reason, live still 200", async () => {
    const ready = await getJson(server, "/health/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: "not ready", reason: expect.stringMatching(/database/) });
    expect(await getJson(server, "/health/live")).toEqual({ status: 200, body: { status: "live" } });
  });
});

describe("docs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("serves an OpenAPI 3 document with every path and the contract's status codes", async () => {
    const res = await getJson(server, "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; info: { title: string }; paths: Record<string, Record<string, { responses: object }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/deliveries",
      "/health/live",
      "/health/ready",
      "/messages",
      "/messages/export",
      "/messages/stream",
      "/metrics",
      "/stats",
      "/webhook",
    ]);
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    expect(statuses("/webhook", "post")).toEqual(expect.arrayContaining(["200", "401", "413", "415", "422", "503"]));
    expect(statuses("/messages", "get")).toEqual(["200", "401", "422", "503"]);
    expect(statuses("/messages/export", "get")).toEqual(["200", "401", "422", "503"]);
    expect(statuses("/stats", "get")).toEqual(["200", "401", "503"]);
    expect(statuses("/deliveries", "get")).toEqual(["200", "401", "422", "503"]);
    expect(statuses("/health/live", "get")).toEqual(["200"]);
    expect(statuses("/health/ready", "get")).toEqual(["200", "503"]);
    expect(statuses("/metrics", "get")).toEqual(["200"]);
  });

  it("documents /metrics as the Prometheus text it answers", async () => {
    const doc = (await getJson(server, "/openapi.json")).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { example: string } }> }> }>>;
    };
    const documented = doc.paths["/metrics"]?.get?.responses["200"]?.content ?? {};
    expect(Object.keys(documented)).toEqual(["text/plain"]);
    const res = await fetch(`${server.baseUrl}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const served = await res.text();
    for (const line of documented["text/plain"]!.schema.example.trim().split("\n")) {
      expect(served, line).toContain(line.replace(/ \d+$/, " "));
    }
  });

  it("documents the /messages query parameters", async () => {
    const doc = (await getJson(server, "/openapi.json")).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const params = doc.paths["/messages"]?.get?.parameters ?? [];
    expect(params.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(["cursor", "from", "limit", "offset", "order", "q", "since", "to", "until"]);
  });

  it("documents the /deliveries query parameters, result as the list of results", async () => {
    const doc = (await getJson(server, "/openapi.json")).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] }>>;
    };
    const params = doc.paths["/deliveries"]?.get?.parameters ?? [];
    expect(params.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(["cursor", "limit", "message_id", "result", "since"]);
    expect(params.find((p) => p.name === "result")?.schema?.enum).toContain("invalid_signature");
  });

  it.each(["/docs", "/docs/"])("%s answers the Swagger UI page", async (path) => {
    const res = await fetch(`${server.baseUrl}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("swagger-ui");
  });

  it("serves every script and stylesheet the page references, and every module its script imports", async () => {
    const page = await (await fetch(`${server.baseUrl}/docs`)).text();
    const assets = [...page.matchAll(/(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(["swagger-ui-bundle.js", "docs-page.js", "swagger-ui.css"]));
    for (let i = 0; i < assets.length; i++) {
      const res = await fetch(`${server.baseUrl}/docs/${assets[i]}`);
      expect(res.status, assets[i]).toBe(200);
      const text = await res.text();
      expect(text.length, assets[i]).toBeGreaterThan(0);
      if (assets[i]!.startsWith("docs-")) {
        expect(res.headers.get("content-type"), assets[i]).toMatch(/^application\/javascript/);
        for (const [, imported] of text.matchAll(/^import .* from "\.\/([^"]+)";$/gm)) assets.push(imported!);
      }
    }
    expect(assets).toContain("docs-signing.js");
  });

  it("loads its own script as a module pointed at /openapi.json, not swagger-ui-express's init", async () => {
    const page = await (await fetch(`${server.baseUrl}/docs`)).text();
    expect(page).toContain('<script type="module" src="./docs-page.js"></script>');
    expect(page).not.toContain("swagger-ui-init.js");
    expect(await (await fetch(`${server.baseUrl}/docs/docs-page.js`)).text()).toContain('url: "/openapi.json"');
    const init = await fetch(`${server.baseUrl}/docs/swagger-ui-init.js`);
    expect([init.status, await init.json()]).toEqual([404, { detail: "not found" }]);
  });
});
