// Debian's Chromium through playwright-core, and the /docs page opened in it as a developer would, for the browser tests.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const present = existsSync(CHROMIUM);
const required = process.env.REQUIRE_CHROMIUM === "1";
export const UI_TIMEOUT = 15_000;

/** CI sets REQUIRE_CHROMIUM so a missing browser is a failure there, not a silent skip. */
export function requireChromiumWhenAsked(suite: string) {
  if (!present && !required) {
    console.warn(`\n*** ${suite} SKIPPED: ${CHROMIUM} is missing (apt-get install chromium; CI sets REQUIRE_CHROMIUM=1). ***\n`);
  }
  describe("browser is available when required", () => {
    it("finds Chromium at /usr/bin/chromium, or REQUIRE_CHROMIUM is unset", () => {
      expect(present || !required, `${CHROMIUM} missing but REQUIRE_CHROMIUM=1`).toBe(true);
    });
  });
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
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

export interface DocsPage {
  page: Page;
  /** Console errors, uncaught exceptions and Content-Security-Policy violations, as they happened. */
  problems: string[];
}

/** A fresh page (its own sessionStorage) on `${baseUrl}/docs`, once Swagger UI has rendered the operations. */
export async function openDocs(browser: Browser, baseUrl: string): Promise<DocsPage> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content[- ]Security[- ]Policy/i.test(m.text())) problems.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.exposeFunction("reportViolation", (v: string) => void problems.push(`CSP: ${v}`));
  await page.addInitScript({
    content: 'document.addEventListener("securitypolicyviolation", (e) => reportViolation(`${e.violatedDirective} ${e.blockedURI}`));',
  });
  // Any request leaving 127.0.0.1 is a bug in the page (CDN assets) and must not hang the test.
  await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
  await page.goto(`${baseUrl}/docs`, { waitUntil: "load", timeout: UI_TIMEOUT });
  await page.locator(".opblock").first().waitFor({ state: "visible" });
  return { page, problems };
}

/** The operation block of `method path`, opened, with "Try it out" on. */
export async function tryItOut(page: Page, method: string, path: string): Promise<Locator> {
  const op = page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  expect(await op.count()).toBe(1);
  await op.locator(".opblock-summary").first().click();
  await op.getByRole("button", { name: "Try it out" }).click();
  return op;
}

/** Executes the operation and returns the status and body Swagger UI shows for this execution. */
export async function execute(op: Locator): Promise<{ status: number; body: unknown }> {
  const clear = op.getByRole("button", { name: "Clear" });
  if (await clear.isVisible()) await clear.click();
  await op.getByRole("button", { name: "Execute" }).click();
  const live = op.locator(".live-responses-table .response").first();
  await live.waitFor({ state: "visible" });
  const status = Number((await live.locator(".response-col_status").innerText()).trim());
  const shown = (await live.locator(".response-col_description pre").first().innerText()).trim();
  return { status, body: JSON.parse(shown) };
}
