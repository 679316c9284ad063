// Why a request got no HTTP answer, in the words a user can act on rather than a socket error code.

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (the DNS lookup failed)",
  ECONNRESET: "the connection was reset before an answer",
  UND_ERR_SOCKET: "the connection was closed before an answer",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** fetch wraps the socket error in `cause`; a TimeoutError is the caller's own deadline firing. */
export function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const known = cause?.code === undefined ? undefined : REASONS[cause.code];
  if (known !== undefined) return known;
  // TLS and the rarer socket errors: Node's own message ("self-signed certificate") says it best.
  return cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
}
