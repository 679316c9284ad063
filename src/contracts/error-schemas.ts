// Every error answer's shape: a detail for a person, a reason for a refused signature, the field-by-field 422.
import { z } from "zod";
import { E164_MESSAGE, doc } from "./schema-parts.js";

export const ErrorBody = z.object({
  detail: doc(z.string(), "What went wrong, for a person to read.", "invalid signature"),
});

export const SignatureErrorBody = z.object({
  detail: doc(z.string(), "Always `invalid signature`, for clients that match on it.", "invalid signature"),
  reason: doc(
    z.string(),
    "What to fix: no signature sent; a malformed one (not 64 hex digits, a GitHub-style `sha256=` prefix, " +
      "incomplete Standard Webhooks headers); a signature that does not match these bytes; or a " +
      "`webhook-timestamp` outside the tolerance window. Never the expected value.",
    "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
  ),
});

export const ValidationErrorBody = z.object({
  detail: doc(z.string(), "A summary of the refusal.", "validation failed"),
  errors: doc(
    z.array(
      z.object({
        path: doc(z.string(), "Dotted path of the offending field or parameter, e.g. `from` or `limit`.", "to"),
        message: doc(z.string(), "What is wrong with it, naming the field and the rule.", `to ${E164_MESSAGE}`),
      }),
    ),
    "One entry per problem found.",
  ),
});

export type ErrorBody = z.infer<typeof ErrorBody>;
export type ValidationErrorBody = z.infer<typeof ValidationErrorBody>;
export type SignatureErrorBody = z.infer<typeof SignatureErrorBody>;
