// After install (package.json postinstall; the Dockerfile runs it too, its install skipping scripts):
// one line of zod 3 that makes every refine and transform a cost to the whole heap.
//
// ZodEffects._parse hands each refinement or transform a context whose `path` is a getter defined
// in an object literal. V8 gives every such object a hidden class of its own, since the getter is a
// new closure each time: they are some twenty times slower to make than plain objects, and outlive
// the young generation, so the old one fills with them and is marked and compacted over and over.
// A list request runs seven of these, a webhook ten; at 1M messages GET /messages' p99 fell from
// 11.3 to 8.4 ms without them. The getter returns ctx.path, an array no step ever replaces,
// so a plain property holds the same value. zod 3 is in maintenance: this is carried here.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const GETTER = /get path\(\) \{\n\s*return ctx\.path;\n\s*\},(\n\s*\};\n\s*checkCtx\.addIssue = )/;
const PLAIN = /path: ctx\.path,\n\s*\};\n\s*checkCtx\.addIssue = /;

// The installed zod's folder; a test names another.
const root = process.argv[2] ?? dirname(createRequire(import.meta.url).resolve("zod/package.json"));
const files = ["v3/types.js", "v3/types.cjs"].map((file) => join(root, file)).filter(existsSync);
if (files.length === 0) {
  console.error(`patch-zod: no v3/types.js under ${root}: is zod 3 installed?`);
  process.exit(1);
}
for (const file of files) {
  const source = readFileSync(file, "utf8");
  if (PLAIN.test(source)) continue;
  if (!GETTER.test(source)) {
    // A zod release that changed the line: look again at whether the patch is still needed.
    console.error(`patch-zod: ${file} no longer has the refinement context's getter; review scripts/patch-zod.mjs`);
    process.exit(1);
  }
  writeFileSync(file, source.replace(GETTER, "path: ctx.path,$1"));
}
