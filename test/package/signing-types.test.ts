// @lyftr/client/signing's declarations type-check without @types/node: a browser-typed or bare project can import them.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

describe("@lyftr/client/signing declarations", () => {
  it.each(["esm", "cjs"])("type-check in the %s build with no Node types and skipLibCheck off", async (build) => {
    const declarations = join(ROOT, `packages/client/dist/${build}/contracts/signature.d.ts`);
    if (!existsSync(declarations)) throw new Error(`${declarations} is missing: run \`npm run build\` first`);
    const dir = mkdtempSync(join(tmpdir(), "lyftr-signing-types-"));
    try {
      const compilerOptions = { noEmit: true, strict: true, types: [], lib: ["ES2022"], skipLibCheck: false, module: "NodeNext" };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: [declarations] }));
      const result = await new Promise<{ code: number | null; stdout: string }>((done) =>
        execFile(process.execPath, [TSC, "-p", dir], (error, stdout) => done({ code: error ? (error.code as number) : 0, stdout })),
      );
      expect(result.stdout).toBe("");
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
