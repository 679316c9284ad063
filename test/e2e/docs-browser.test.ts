// /docs in a real headless Chromium: every contract operation is listed under its tag and "Try it out" on GET /stats works live.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { launchChromium, openDocs, present, requireChromiumWhenAsked } from "./browser.js";

requireChromiumWhenAsked("Browser docs test");

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

describe.skipIf(!present)("Swagger UI at /docs in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    // Two senders, three messages: stats with non-trivial counts and distinct first/last ts.
    for (const msg of [
      aMessage({ from: "+919876543210", ts: "2025-01-15T10:00:00Z" }),
      aMessage({ from: "+919876543210", ts: "2025-01-15T11:00:00Z" }),
      aMessage({ from: "+14155550199", ts: "2025-01-15T12:30:00.5Z" }),
    ]) {
      const sent = await server.client.ingestMessage({ body: msg });
      expect(sent.status).toBe(200);
    }
    browser = await launchChromium();
    ({ page, problems: consoleErrors } = await openDocs(browser, server.baseUrl));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lists every operation of /openapi.json, and only those", async () => {
    const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Partial<Record<(typeof METHODS)[number], unknown>>>;
    };
    const expected = Object.entries(doc.paths)
      .flatMap(([path, ops]) => METHODS.filter((m) => ops[m] !== undefined).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // The contract itself: a document that lost an operation must not pass by also losing it from the UI.
    expect(expected).toEqual(
      expect.arrayContaining(["POST /webhook", "GET /messages", "GET /stats", "GET /deliveries", "GET /health/live", "GET /health/ready", "GET /metrics"]),
    );

    const rendered = await page.locator(".opblock .opblock-summary").evaluateAll((nodes) =>
      nodes.map((n) => {
        const method = n.querySelector(".opblock-summary-method")?.textContent?.trim() ?? "";
        const path = n.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    expect(rendered.sort()).toEqual(expected);
  });

  it("groups the operations under their tags, in the document's order, none under default", async () => {
    const sections = await page.locator(".opblock-tag-section").evaluateAll((nodes) =>
      nodes.map((n) => ({
        tag: n.querySelector(".opblock-tag")?.getAttribute("data-tag"),
        paths: [...n.querySelectorAll(".opblock-summary-path")].map((p) => p.getAttribute("data-path")),
      })),
    );
    expect(sections).toEqual([
      { tag: "Webhook", paths: ["/webhook"] },
      { tag: "Messages", paths: ["/messages", "/messages/export"] },
      { tag: "Stream", paths: ["/messages/stream"] },
      { tag: "Deliveries", paths: ["/deliveries"] },
      { tag: "Stats", paths: ["/stats"] },
      { tag: "Health", paths: ["/health/live", "/health/ready"] },
      { tag: "Metrics", paths: ["/metrics"] },
    ]);
  });

  it("executes GET /stats live and shows 200 with the stats JSON", async () => {
    const stats = await server.client.getStats();
    expect(stats.status).toBe(200);

    const op = page.locator(".opblock").filter({ has: page.locator('.opblock-summary-path[data-path="/stats"]') });
    expect(await op.count()).toBe(1);
    await op.locator(".opblock-summary").first().click();
    await op.getByRole("button", { name: "Try it out" }).click();
    await op.getByRole("button", { name: "Execute" }).click();

    const live = op.locator(".live-responses-table .response").first();
    await live.waitFor({ state: "visible" });
    expect((await live.locator(".response-col_status").innerText()).trim()).toBe("200");
    const shown = (await live.locator(".response-col_description pre").first().innerText()).trim();
    expect(JSON.parse(shown)).toEqual({
      total_messages: 3,
      unique_senders: 2,
      senders_count: 2,
      top_senders: [
        { from: "+919876543210", count: 2 },
        { from: "+14155550199", count: 1 },
      ],
      messages_per_sender: [
        { from: "+919876543210", count: 2 },
        { from: "+14155550199", count: 1 },
      ],
      first_message_ts: "2025-01-15T10:00:00Z",
      last_message_ts: "2025-01-15T12:30:00.5Z",
    });
    expect(JSON.parse(shown)).toEqual(stats.body);
  });

  it("logs no console errors (favicon misses aside)", () => {
    const real = consoleErrors.filter((e) => !/favicon/i.test(e));
    expect(real).toEqual([]);
  });
});
