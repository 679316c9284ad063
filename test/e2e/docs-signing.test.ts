// /docs in headless Chromium as a developer drives it: a secret signs POST /webhook, no filter is sent, Authorize applies the token.
import { createHmac } from "node:crypto";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";
import { execute, launchChromium, openDocs, present, requireChromiumWhenAsked, tryItOut, type DocsPage } from "./browser.js";

requireChromiumWhenAsked("Browser signing test");

const KEY = Buffer.from("0123456789abcdef0123456789abcdef");
const SECRET = `whsec_${KEY.toString("base64")}`;
const READ_TOKEN = "read-token-for-the-docs";

interface Sent {
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Chromium logs every 401 these tests provoke as a failed resource; favicon misses are not the page's. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/favicon|Failed to load resource: the server responded with a status of 401\b/i.test(p));

async function setSecret(page: Page, secret: string) {
  await page.getByLabel("Webhook secret").fill(secret);
  await page.getByRole("button", { name: "Set secret" }).click();
}

describe.skipIf(!present)("/docs in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(() => browser?.close());

  describe("signing and defaults", () => {
    let server: TestServer;
    let docs: DocsPage;
    const sent: Sent[] = [];

    beforeAll(async () => {
      server = await startServer({ secrets: SECRET });
      docs = await openDocs(browser, server.baseUrl);
      // headers() leaves out only cookie-like headers, and is synchronous: nothing is missed when a test looks.
      docs.page.on("request", (request: Request) => {
        sent.push({ url: new URL(request.url()), headers: request.headers(), body: request.postDataBuffer() });
      });
    }, 60_000);

    afterAll(async () => {
      await docs?.page.close();
      await server?.close();
    });

    const webhooksSent = () => sent.filter((r) => r.url.pathname === "/webhook");

    it("without a secret, sends POST /webhook unsigned and shows the 401 that says so", async () => {
      const op = await tryItOut(docs.page, "POST", "/webhook");
      expect(await execute(op)).toEqual({
        status: 401,
        body: { detail: "invalid signature", reason: expect.stringMatching(/^no signature: send X-Signature/) },
      });
      const headers = Object.keys(webhooksSent().at(-1)!.headers);
      expect(headers.filter((h) => h === "x-signature" || h.startsWith("webhook-"))).toEqual([]);
    });

    it("with the whsec_ secret set, the example body answers 200, signed over the exact bytes sent", async () => {
      await setSecret(docs.page, SECRET);
      await expect.poll(() => docs.page.getByRole("status").innerText()).toMatch(/^Secret set/);
      const op = docs.page.locator(".opblock-post");
      expect(await execute(op)).toEqual({ status: 200, body: { status: "ok" } });
      const request = webhooksSent().at(-1)!;
      expect(JSON.parse(request.body!.toString("utf8"))).toMatchObject({ message_id: "m1" });
      expect(request.headers["x-signature"]).toBe(createHmac("sha256", KEY).update(request.body!).digest("hex"));
    });

    it("GET /messages with nothing changed lists everything: no filter sent, the message counted", async () => {
      const op = await tryItOut(docs.page, "GET", "/messages");
      expect(await execute(op)).toMatchObject({ status: 200, body: { total: 1, data: [{ message_id: "m1" }], limit: 50, offset: 0 } });
      const { searchParams } = sent.filter((r) => r.url.pathname === "/messages").at(-1)!.url;
      // True defaults only (the order is one: oldest first); no filter.
      expect(Object.fromEntries(searchParams)).toEqual({ limit: "50", offset: "0", order: "asc" });
    });

    it("with a wrong secret, shows the 401 and its reason", async () => {
      await setSecret(docs.page, "not-the-secret");
      expect(await execute(docs.page.locator(".opblock-post"))).toEqual({
        status: 401,
        body: { detail: "invalid signature", reason: expect.stringMatching(/^X-Signature does not match the body/) },
      });
    });

    it("signs with Standard Webhooks headers when chosen", async () => {
      await setSecret(docs.page, SECRET);
      await docs.page.getByLabel("Sign with").selectOption("standard");
      expect(await execute(docs.page.locator(".opblock-post"))).toEqual({ status: 200, body: { status: "ok" } });
      const { headers } = webhooksSent().at(-1)!;
      expect(headers["x-signature"]).toBeUndefined();
      expect(headers["webhook-signature"]).toMatch(/^v1,/);
      await docs.page.getByLabel("Sign with").selectOption("x-signature");
    });

    it("refuses a whsec_ secret that is not base64, as the server would", async () => {
      await setSecret(docs.page, "whsec_not base64!");
      expect(await docs.page.getByRole("alert").innerText()).toBe("a whsec_ secret must be followed by base64");
    });

    it("after Forget secret, sends POST /webhook unsigned again", async () => {
      await docs.page.getByRole("button", { name: "Forget secret" }).click();
      expect(await execute(docs.page.locator(".opblock-post"))).toMatchObject({
        status: 401,
        body: { reason: expect.stringMatching(/^no signature/) },
      });
    });

    it("keeps the secret in the page: in sessionStorage only, never in a request", async () => {
      await setSecret(docs.page, SECRET);
      const stored = await docs.page.evaluate<{ session: string[]; local: string[] }>(
        "({ session: Object.values(sessionStorage), local: Object.values(localStorage) })",
      );
      expect(stored.session).toContain(SECRET);
      expect(stored.local.join()).not.toContain(KEY.toString("base64"));
      expect(webhooksSent()).toHaveLength(5);
      const leaked = sent.filter((r) =>
        [r.url.href, JSON.stringify(r.headers), r.body?.toString("latin1") ?? ""].some(
          (text) => text.includes(KEY.toString("base64")) || text.includes(KEY.toString("latin1")) || text.includes("not-the-secret"),
        ),
      );
      expect(leaked.map((r) => r.url.href)).toEqual([]);
    });

    it("runs under the service's Content-Security-Policy: no violation, no console error", () => {
      expect(unexpected(docs.problems)).toEqual([]);
    });
  });

  describe("the read token", () => {
    let server: TestServer;
    let docs: DocsPage;

    beforeAll(async () => {
      server = await startServer({ readTokens: READ_TOKEN });
      docs = await openDocs(browser, server.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await docs?.page.close();
      await server?.close();
    });

    it("answers GET /messages 401 until Authorize is given the token, then 200", async () => {
      const op = await tryItOut(docs.page, "GET", "/messages");
      expect(await execute(op)).toEqual({ status: 401, body: { detail: "missing or invalid bearer token" } });

      await docs.page.locator(".auth-wrapper .authorize").click();
      const dialog = docs.page.locator(".dialog-ux .modal-ux");
      await dialog.locator("input").fill(READ_TOKEN);
      await dialog.getByRole("button", { name: "Apply credentials" }).click();
      await dialog.locator(".btn-done").click();

      expect(await execute(op)).toMatchObject({ status: 200, body: { total: 0, data: [] } });
    });

    it("runs under the service's Content-Security-Policy: no violation, no console error", () => {
      expect(unexpected(docs.problems)).toEqual([]);
    });
  });
});
