// GET /openapi.json (generated from the contract) and Swagger UI over it at /docs.
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { buildOpenApi } from "../../contracts/openapi.js";

export function docsRouter(): Router {
  const document = buildOpenApi();
  const options = { customSiteTitle: "Lyftr webhook API", swaggerUrl: "/openapi.json", swaggerOptions: { url: "/openapi.json" } };
  // The page links its assets relatively; the base makes /docs work as well as /docs/, with no redirect.
  const page = swaggerUi.generateHTML(undefined, options).replace("<head>", '<head>\n  <base href="/docs/">');

  const router = Router();
  router.get("/openapi.json", (_req, res) => void res.json(document));
  router.get(["/docs", "/docs/", "/docs/index.html"], (_req, res) => void res.type("html").send(page));
  // swagger-ui-express answers its own package.json with a plain-text 404; leave it to ours (JSON).
  router.all(/^\/docs\/.*package\.json$/i, (_req, _res, next) => next("router"));
  router.use("/docs", swaggerUi.serveFiles(undefined, options));
  return router;
}
