// `lyftr export`: GET /messages/export with the list's filters, streamed to stdout or to a file as it arrives.
import { rename, rm } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseFlags, type CliIo } from "./cli-input.js";
import { EXPORT_HELP } from "./help.js";
import { networkReason } from "./network-error.js";
import { DEFAULT_URL, serviceUrl, timeoutFrom } from "./service-options.js";
import { EXIT_FAILED, EXIT_OK } from "./usage-error.js";

const QUERY_FLAGS = ["format", "from", "to", "since", "until", "q", "order"] as const;

const OPTIONS = {
  format: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  q: { type: "string" },
  order: { type: "string" },
  out: { type: "string", short: "o" },
  url: { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, OPTIONS);
  if (flags.help) {
    io.out(EXPORT_HELP);
    return EXIT_OK;
  }
  const baseUrl = serviceUrl(flags.url ?? io.env.LYFTR_URL ?? DEFAULT_URL);
  const timeoutMs = timeoutFrom(flags.timeout) * 1000;
  // The service checks every value and names what is wrong: one set of rules, not two.
  const query = new URLSearchParams();
  for (const name of QUERY_FLAGS) if (flags[name] !== undefined) query.set(name, flags[name]);
  const token = io.env.LYFTR_READ_TOKEN?.trim();

  // --timeout bounds the wait for the answer to start; a large export may then take as long as it takes.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException("timeout", "TimeoutError")), timeoutMs);
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/messages/export?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: abort.signal,
    });
  } catch (error) {
    io.err(`lyftr export: cannot reach ${new URL(baseUrl).origin}: ${networkReason(error, timeoutMs)} (is the service running? set LYFTR_URL or --url)`);
    return EXIT_FAILED;
  } finally {
    clearTimeout(timer);
  }
  if (response.status !== 200 || response.body === null) {
    io.err(`lyftr export: HTTP ${response.status} ${await response.text()}`);
    return EXIT_FAILED;
  }
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  try {
    if (flags.out === undefined) await pipeline(body, io.stdout, { end: false });
    else await writeFile(body, flags.out);
  } catch (error) {
    io.err(`lyftr export: the export was cut short: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  }
  if (flags.out !== undefined) io.err(`lyftr export: wrote ${flags.out}`);
  return EXIT_OK;
}

/** Written beside the file and renamed at the end, so a cut-short export never sits under the name asked for. */
async function writeFile(body: Readable, path: string): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await pipeline(body, createWriteStream(partial) as Writable);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
