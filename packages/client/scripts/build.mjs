// Builds the client twice from the service's own src/contracts: ESM and CommonJS, each with its declarations.
import { execFileSync } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// Built beside dist/ and swapped in whole, so a process loading the client meanwhile never finds it half gone.
const next = new URL("../dist.next/", import.meta.url);
rmSync(next, { recursive: true, force: true });
for (const [project, outDir] of [
  ["tsconfig.json", "dist.next/esm"],
  ["tsconfig.cjs.json", "dist.next/cjs"],
]) {
  execFileSync(process.execPath, [tsc, "-p", project, "--outDir", outDir], { cwd: here, stdio: "inherit" });
}
// The package is "type": "module"; this marks the CommonJS half as what it is, for Node and for TypeScript.
writeFileSync(new URL("cjs/package.json", next), `${JSON.stringify({ type: "commonjs" })}\n`);
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
renameSync(next, new URL("../dist", import.meta.url));
