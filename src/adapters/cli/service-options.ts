// Where the service is and how long to wait for it: --url and --timeout, shared by the commands that call it.
import { UsageError } from "./usage-error.js";

export const DEFAULT_URL = "http://localhost:8000";
/** Undici alone would wait five minutes for a service that accepts and never answers. */
const DEFAULT_TIMEOUT_S = 10;

/** --timeout in seconds: a positive number up to 300 (curl's --max-time, in short). */
export function timeoutFrom(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S;
  const seconds = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0 && seconds <= 300)) throw new UsageError("--timeout must be a number of seconds, more than 0 and at most 300");
  return seconds;
}

/** The base URL without a trailing slash; only http(s); never echoed, as it may carry credentials. */
export function serviceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError("--url (or LYFTR_URL) is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError("--url must be http:// or https://");
  // fetch refuses user:password@ anyway, with an error that quotes the whole URL, password and all.
  if (url.username !== "" || url.password !== "") throw new UsageError("--url must not carry user:password@");
  return raw.replace(/\/+$/, "");
}
