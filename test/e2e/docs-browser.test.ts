// /docs in a real headless Chromium: every contract operation is listed and "Try it out" on GET /stats works live.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const required = process.env.REQUIRE_CHROMIUM === "1";
if (!present && !required) {
  console.warn(`\n*** Browser docs test SKIPPED: ${CHROMIUM} is missing (apt-get install chromium; CI sets REQUIRE_CHROMIUM=1). ***\n`);
}

// CI sets REQUIRE_CHROMIUM so a missing browser is a failure there, not a silent skip.
describe("browser is available when required", () => {
  it("finds Chromium at /usr/bin/chromium, or REQUIRE_CHROMIUM is unset", () => {
    expect(present || !required, `${CHROMIUM} missing but REQUIRE_CHROMIUM=1`).toBe(true);
  });
});

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const UI_TIMEOUT = 15_000;

describe.skipIf(!present)("Swagger UI at /docs in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 30_000,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${m.text()} @ ${m.location().url}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    // Any request leaving 127.0.0.1 is a bug in the page (CDN assets) and must not hang the test.
    await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
    await page.goto(`${server.baseUrl}/docs`, { waitUntil: "load", timeout: UI_TIMEOUT });
    await page.locator(".opblock").first().waitFor({ state: "visible" });
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
      expect.arrayContaining(["POST /webhook", "GET /messages", "GET /stats", "GET /deliveries", "GET /health/live", "GET /health/ready"]),
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
      top_senders: [
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
