// GET /openapi.json (generated from the contract) and Swagger UI over it at /docs, started by the page's own script.
import { readFileSync } from "node:fs";
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { buildOpenApi } from "../../contracts/openapi.js";

/** Served from memory, so they carry no ETag, like every other answer of the app. */
const PAGE_SCRIPTS = ["docs-page.js", "docs-signing.js"];

const PANEL_CSS = `
.swagger-ui .lyftr-signing { flex: 1; display: flex; flex-wrap: wrap; align-items: flex-end; gap: 4px 10px; font-family: sans-serif; color: #3b4151 }
.swagger-ui .lyftr-signing label { display: flex; flex-direction: column; font-size: 12px; font-weight: 700 }
.swagger-ui .lyftr-signing input[type=password] { max-width: none; width: 24em }
.swagger-ui .lyftr-signing .btn { margin: 5px 0 }
.swagger-ui .lyftr-signing p { flex-basis: 100%; margin: 0; font-size: 13px }
.swagger-ui .lyftr-signing [role=alert] { color: #f93e3e }
`;

export function docsRouter(): Router {
  const document = buildOpenApi();
  const page = swaggerUi
    .generateHTML(undefined, { customSiteTitle: "Lyftr webhook API", customCss: PANEL_CSS })
    // The page links its assets relatively; the base makes /docs work as well as /docs/, with no redirect.
    .replace("<head>", '<head>\n  <base href="/docs/">')
    // Our script starts Swagger UI itself: its options hold functions, which swagger-ui-init.js cannot carry.
    .replace(/<script src="\.\/swagger-ui-init\.js">\s*<\/script>/, '<script type="module" src="./docs-page.js"></script>');
  if (!page.includes("./docs-page.js")) throw new Error("swagger-ui-express's page has changed: docs-page.js is not loaded");
  const scripts = PAGE_SCRIPTS.map((name) => [name, readFileSync(new URL(name, import.meta.url), "utf8")] as const);

  const router = Router();
  router.get("/openapi.json", (_req, res) => void res.json(document));
  router.get(["/docs", "/docs/", "/docs/index.html"], (_req, res) => void res.type("html").send(page));
  for (const [name, text] of scripts) router.get(`/docs/${name}`, (_req, res) => void res.type("js").send(text));
  // swagger-ui-express answers its own package.json with a plain-text 404 and serves an init script
  // this page does not load; leave both to ours (JSON).
  router.all(/^\/docs\/(.*package\.json|swagger-ui-init\.js)$/i, (_req, _res, next) => next("router"));
  router.use("/docs", swaggerUi.serveFiles());
  return router;
}
