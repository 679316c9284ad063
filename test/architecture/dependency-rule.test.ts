// The dependency rule of ARCHITECTURE.md, checked on every import in src/ so it cannot rot.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.[jt]s$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

/** Every module a file imports: relative ones as paths under src/, packages by name. */
const IMPORT = /^\s*(?:import|export)\s(?:[^;]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;
const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)].map(([, stat, dyn]) => {
    const spec = (stat ?? dyn)!;
    return spec.startsWith(".") ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, "") : `pkg:${spec}`;
  });

const layerOf = (path: string) => path.split("/")[0]!.replace(/\.ts$/, "");

const files = sourceFiles(SRC).map((file) => ({
  path: relative(SRC, file),
  layer: layerOf(relative(SRC, file)),
  imports: importsOf(file),
}));

const CONTRACT_PACKAGES = /^pkg:(zod|@ts-rest\/(core|open-api)|@anatine\/zod-openapi|node:crypto)$/;

describe("dependency rule", () => {
  it("finds the source files it checks", () => {
    expect(files.map((f) => f.layer)).toEqual(expect.arrayContaining(["domain", "application", "contracts", "adapters"]));
  });

  it.each(files.filter((f) => f.layer === "domain"))("domain imports nothing: $path", ({ imports }) => {
    expect(imports.filter((i) => layerOf(i) !== "domain")).toEqual([]);
  });

  it.each(files.filter((f) => f.layer === "application"))("application imports only domain: $path", ({ imports }) => {
    expect(imports.filter((i) => !["domain", "application"].includes(layerOf(i)))).toEqual([]);
  });

  it.each(files.filter((f) => f.layer === "contracts"))(
    "contracts import only zod, ts-rest, node:crypto and domain: $path",
    ({ imports }) => {
      const foreign = imports.filter((i) => (i.startsWith("pkg:") ? !CONTRACT_PACKAGES.test(i) : !["domain", "contracts"].includes(layerOf(i))));
      expect(foreign).toEqual([]);
    },
  );

  it.each(files.filter((f) => f.layer === "adapters"))("adapters import inward, never the composition root: $path", ({ imports }) => {
    expect(imports.filter((i) => ["main", "config", "serve"].includes(layerOf(i)))).toEqual([]);
  });

  it("only the composition root (main.ts, config.ts, serve.ts) imports adapters", () => {
    const importers = files
      .filter((f) => !["adapters", "main", "config", "serve"].includes(f.layer))
      .filter((f) => f.imports.some((i) => layerOf(i) === "adapters"))
      .map((f) => f.path);
    expect(importers).toEqual([]);
  });
});
