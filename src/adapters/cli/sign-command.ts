// `lyftr sign`: the signature of a body's exact bytes, for senders checking their own code. Sends nothing.
import { DEFAULT_SECRET_ENV, parseFlags, readBody, secretFrom, type CliIo } from "./cli-input.js";
import { SIGN_HELP } from "./help.js";
import { SIGNING_FLAGS, signatureHeaders, signingFrom } from "./signature-headers.js";
import { EXIT_OK } from "./usage-error.js";

const OPTIONS = SIGNING_FLAGS;

export async function signCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, OPTIONS);
  if (flags.help) {
    io.out(SIGN_HELP);
    return EXIT_OK;
  }
  const signing = signingFrom(flags);
  const { key } = secretFrom(io.env, flags["secret-env"] ?? DEFAULT_SECRET_ENV, signing.scheme);
  // Not checked as JSON: a signature covers any bytes, and the odd ones are what senders debug.
  const { bytes } = await readBody(flags.file, io, "sign");
  const headers = signatureHeaders(key, bytes, signing);
  if (signing.scheme === "hex") io.out(headers["x-signature"]!);
  else for (const [name, value] of Object.entries(headers)) io.out(`${name}: ${value}`);
  return EXIT_OK;
}
