// Before `npm start`: the built server must exist, and a build older than the source is worth a warning.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = join(root, "dist", "main.js");
if (!existsSync(entry)) {
  console.error("dist/main.js is missing: run `npm run build` (npm ci builds it unless scripts were ignored)");
  process.exit(1);
}
const builtAt = statSync(entry).mtimeMs;
const newer = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true }).some(
  (f) => f.isFile() && statSync(join(f.parentPath ?? f.path, f.name)).mtimeMs > builtAt,
);
if (newer) console.error("warning: src/ changed since the last build; `npm run build` to run the change");
