// Writes openapi.json at the repo root from the built contract; a test fails when the two drift.
import { writeFileSync } from "node:fs";
import { buildOpenApi } from "../dist/contracts/openapi.js";

writeFileSync(new URL("../openapi.json", import.meta.url), `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
console.log("wrote openapi.json");
