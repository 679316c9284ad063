// A mistake in how the CLI was called: one line on stderr and exit code 2, never a request.

export const EXIT_OK = 0;
/** The service answered something other than 200, or could not be reached. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = "UsageError";
}
