// The committed openapi.json is the contract's document; regenerate it with `npm run openapi` when this fails.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "../../src/contracts/openapi.js";
import { contract } from "../../src/contracts/contract.js";

const committed = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../openapi.json"), "utf8"));

describe("openapi.json", () => {
  it("matches the document generated from the contract", () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it("documents every route and every status the contract declares", () => {
    for (const route of Object.values(contract)) {
      const operation = committed.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(operation.responses).sort()).toEqual(Object.keys(route.responses).sort());
      for (const response of Object.values<{ description: string }>(operation.responses)) {
        expect(response.description).not.toMatch(/^\d{3}$/); // ts-rest's fallback when a status has no description
      }
    }
  });
});
