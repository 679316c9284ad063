// scripts/patch-zod.mjs: the installed zod hands refinements and transforms a plain `path`, and nothing else changes.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const SCRIPT = join(import.meta.dirname, "../../scripts/patch-zod.mjs");
const requireCjs = createRequire(import.meta.url);

/** The context zod hands a refinement, caught from inside one. */
const refinementContext = (zod: typeof z): z.RefinementCtx => {
  let caught: z.RefinementCtx | undefined;
  zod.string().superRefine((_value, ctx) => void (caught = ctx)).parse("x");
  return caught!;
};

describe("the installed zod", () => {
  it.each([
    ["ESM", z],
    ["CommonJS", requireCjs("zod") as typeof z],
  ])("(%s) gives the refinement context's path as a plain property: run `node scripts/patch-zod.mjs` (npm ci does)", (_kind, zod) => {
    const descriptor = Object.getOwnPropertyDescriptor(refinementContext(zod), "path");
    expect(descriptor?.get).toBeUndefined();
    expect(descriptor?.value).toEqual([]);
  });

  it("still gives each refinement and transform its own path, and files issues there", () => {
    const seen: Array<Array<string | number>> = [];
    const schema = z.object({
      items: z.array(
        z.object({
          name: z.string().refine((_s) => false, "never"),
          size: z.string().transform((s, ctx) => {
            seen.push(ctx.path);
            ctx.addIssue({ code: z.ZodIssueCode.custom, message: "too big" });
            return s;
          }),
        }),
      ),
    });
    const result = schema.safeParse({ items: [{ name: "a", size: "1" }, { name: "b", size: "2" }] });
    expect(seen).toEqual([
      ["items", 0, "size"],
      ["items", 1, "size"],
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["items", 0, "name"], "never"],
      [["items", 0, "size"], "too big"],
      [["items", 1, "name"], "never"],
      [["items", 1, "size"], "too big"],
    ]);
  });
});

describe("scripts/patch-zod.mjs", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  /** A zod folder holding `types` as both v3/types.js and v3/types.cjs. */
  const zodWith = (types: string) => {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-zod-"));
    dirs.push(dir);
    mkdirSync(join(dir, "v3"));
    for (const file of ["types.js", "types.cjs"]) writeFileSync(join(dir, "v3", file), types);
    return dir;
  };
  // The lines as zod 3.25 ships them.
  const SHIPPED = [
    "        const checkCtx = {",
    "            addIssue: (arg) => {",
    "                addIssueToContext(ctx, arg);",
    "            },",
    "            get path() {",
    "                return ctx.path;",
    "            },",
    "        };",
    "        checkCtx.addIssue = checkCtx.addIssue.bind(checkCtx);",
    "",
  ].join("\n");
  const PATCHED = SHIPPED.replace("get path() {\n                return ctx.path;\n            },", "path: ctx.path,");

  it("replaces the getter with a plain property in both builds, and leaves a patched file as it is", () => {
    const dir = zodWith(SHIPPED);
    execFileSync(process.execPath, [SCRIPT, dir]);
    for (const file of ["types.js", "types.cjs"]) expect(readFileSync(join(dir, "v3", file), "utf8")).toBe(PATCHED);
    execFileSync(process.execPath, [SCRIPT, dir]);
    expect(readFileSync(join(dir, "v3", "types.js"), "utf8")).toBe(PATCHED);
  });

  it("fails the install, changing nothing, when zod's source no longer holds the line", () => {
    const other = SHIPPED.replace("return ctx.path;", "return [...ctx.path];");
    const dir = zodWith(other);
    const run = spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no longer has the refinement context's getter/);
    expect(readFileSync(join(dir, "v3", "types.js"), "utf8")).toBe(other);
  });
});
