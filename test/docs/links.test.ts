// Every relative link in the repo's Markdown names a file inside the repo, so no reader meets a dead or outside link.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Tracked files only: a clone holds nothing else.
const markdown = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);

/** Targets of `[text](target)` links, without #fragments; absolute URLs and pure fragments left out. */
function relativeLinks(text: string): string[] {
  const code = /```[\s\S]*?```|`[^`\n]*`/g; // links inside code are examples, not links
  return [...text.replace(code, "").matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!.split("#")[0]!)
    .filter((target) => target !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe("links in the repository's Markdown", () => {
  it("finds the README and the spec among the Markdown files", () => {
    expect(markdown).toEqual(expect.arrayContaining(["README.md", "docs/spec.md"]));
  });

  it("links the in-repo spec from the README", () => {
    expect(relativeLinks(readFileSync(join(ROOT, "README.md"), "utf8"))).toContain("docs/spec.md");
  });

  it.each(markdown)("%s links only files that exist inside the repository", (file) => {
    for (const target of relativeLinks(readFileSync(join(ROOT, file), "utf8"))) {
      const path = resolve(dirname(join(ROOT, file)), decodeURIComponent(target));
      expect(relative(ROOT, path).startsWith(".."), `${file} links ${target}, outside the repository`).toBe(false);
      expect(existsSync(path), `${file} links ${target}, which does not exist`).toBe(true);
    }
  });
});
