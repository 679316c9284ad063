// POST /webhook's shapes: the signed message (validated once, its instant key handed on), the signature headers, the answer.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { MAX_FRACTION_DIGITS, MESSAGE_ID_MAX_CHARS, TEXT_MAX_CHARS, timestampKey } from "../domain/message.js";
import { SAMPLE, e164, keyed, parsedString, storableString } from "./schema-parts.js";

export const WebhookBody = extendApi(
  z
    .object({
      message_id: extendApi(storableString(MESSAGE_ID_MAX_CHARS).refine((s) => s.length > 0, "must not be empty"), {
        description: "The sender's id for this message; a repeated id is acknowledged and ignored.",
        minLength: 1,
        example: SAMPLE.message_id,
      }),
      from: extendApi(e164(SAMPLE.from).optional(), { description: "Sender, E.164. Required unless `from_` is given." }),
      from_: extendApi(e164(SAMPLE.from).optional(), { description: "Alias of `from`; if both are given they must be equal." }),
      to: extendApi(e164(SAMPLE.to), { description: "Recipient, E.164.", example: SAMPLE.to }),
      // Parsed once, here: the instant key travels on with the message to the store.
      ts: extendApi(
        parsedString(
          (ts) => keyed(ts, timestampKey(ts)),
          `must be an ISO-8601 UTC timestamp ending in Z (at most ${MAX_FRACTION_DIGITS} fractional digits), a real date and time`,
        ),
        {
          description: `When the message was sent: ISO-8601 UTC ending in \`Z\`, up to ${MAX_FRACTION_DIGITS} fractional digits. Returned exactly as sent.`,
          format: "date-time",
          example: SAMPLE.ts,
        },
      ),
      text: extendApi(storableString(TEXT_MAX_CHARS).nullish(), {
        description: `Message text, at most ${TEXT_MAX_CHARS} characters; optional.`,
        example: SAMPLE.text,
      }),
    })
    .superRefine((body, ctx) => {
      if (body.from === undefined && body.from_ === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["from"], message: "is required (or its alias from_)" });
      } else if (body.from !== undefined && body.from_ !== undefined && body.from !== body.from_) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["from_"], message: "must equal from when both are given" });
      }
    })
    .transform(({ message_id, from, from_, to, ts, text }) => ({
      message_id,
      from: (from ?? from_) as string,
      to,
      ts: ts.text,
      text: text ?? null,
      tsKey: ts.key,
    })),
  { description: "A message, signed by its sender. Unknown fields are ignored.", example: SAMPLE },
);

// No examples on optional headers: Swagger UI would send them. Each description shows one instead.
export const WebhookHeaders = z.object({
  "x-signature": extendApi(z.string().optional(), {
    description:
      "Hex HMAC-SHA256 of the raw body, keyed with the webhook secret, e.g. " +
      "`5f0c2a0e9f7b6c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b`. Or use the Standard Webhooks headers.",
  }),
  "webhook-id": extendApi(z.string().optional(), {
    description: "Standard Webhooks: the delivery id, e.g. `msg_2KWPBgLlAfxdpx2AI54pPJ85f4W`.",
  }),
  "webhook-timestamp": extendApi(z.string().optional(), {
    description: "Standard Webhooks: Unix seconds, e.g. `1736935200`; rejected when too far from the server clock.",
  }),
  "webhook-signature": extendApi(z.string().optional(), {
    description:
      "Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>` or " +
      "`v1a,<base64 Ed25519 signature of id.timestamp.body>` entries, e.g. `v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=`.",
  }),
});

export const Ok = z.object({ status: extendApi(z.literal("ok"), { description: "Stored, now or before.", example: "ok" }) });

export type WebhookBody = z.infer<typeof WebhookBody>;
