// Reading the README's shell examples and running them with bash, as a reader would paste them.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The ```sh blocks of one `## ` section, its `###` subsections included. */
export function shellBlocks(heading: string): string[] {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The tools the examples call that a machine may lack; an empty list when all are on PATH. */
export function missingTools(tools: string[]): string[] {
  return tools.filter((tool) => spawnSync("bash", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0);
}

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a block from the repo root under `bash -euo pipefail`, so a failing step or an unset variable
 * (a block leaning on an earlier one) stops it; the environment is a fresh shell's plus `env`.
 */
export function runBlock(script: string, env: Record<string, string>, timeoutMs = 45_000): Promise<ShellRun> {
  const child = spawn("bash", ["-euo", "pipefail", "-c", script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** curl prints answers back to back with no newline between them: split them into JSON values. */
export function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if ((c === "}" || c === "]") && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}

/** The value of a `NAME='…'` line in a block: the literal body the block signs and sends. */
export function assignedJson(block: string, name: string): unknown {
  const literal = new RegExp(`^${name}='([^']*)'$`, "m").exec(block)?.[1];
  if (literal === undefined) throw new Error(`no ${name}='…' line in:\n${block}`);
  return JSON.parse(literal);
}
