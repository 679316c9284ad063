// A fault as a log line shows it: its class, code and message, and its cause's; never a stack trace with the server's paths.

export interface FaultFields {
  type: string;
  code?: string;
  message: string;
  cause?: FaultFields;
}

/** For pino's `err` serializer: what an operator needs to tell faults apart, and nothing of the code's layout. */
export function faultFields(error: unknown, depth = 0): FaultFields {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  const fields: FaultFields = { type: error.name || error.constructor.name, message: error.message };
  if (typeof code === "string" || typeof code === "number") fields.code = String(code);
  // One level of cause is where the story is (the driver's error under "storage unavailable").
  if (error.cause !== undefined && depth < 2) fields.cause = faultFields(error.cause, depth + 1);
  return fields;
}
