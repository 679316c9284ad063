// The filters and order GET /messages and its export share: each parsed once, here, into what the use case gets.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { TEXT_MAX_CHARS, charCount, dateTimeKey, isE164, type ListOrder } from "../domain/message.js";
import { E164_MESSAGE, parsedString, restorePlus } from "./schema-parts.js";

const instantKey = () =>
  parsedString((value) => dateTimeKey(restorePlus(value)), "must be an ISO-8601 date-time with Z or a UTC offset").optional();

const msisdn = () => z.string().transform(restorePlus).refine(isE164, E164_MESSAGE).optional();

const ORDERS: readonly ListOrder[] = ["asc", "desc"];

// Filters carry no example: Swagger UI would send it and list a filtered page. Defaults are true ones.
export const messageFilterFields = {
  from: extendApi(msisdn(), {
    description: "Only messages from this sender (exact E.164 match; encode `+` as `%2B`), e.g. `+919876543210`.",
  }),
  to: extendApi(msisdn(), {
    description: "Only messages to this recipient (exact E.164 match; encode `+` as `%2B`), e.g. `+14155550100`.",
  }),
  // Parsed once, here: what the use case gets is the instant's sort key, not the text.
  since: extendApi(instantKey(), {
    description:
      "Only messages whose `ts` instant is at or after this date-time (`Z` or an offset such as `+05:30`), " +
      "e.g. `2025-01-15T09:00:00Z`.",
    format: "date-time",
  }),
  until: extendApi(instantKey(), {
    description:
      "Only messages whose `ts` instant is before this date-time (exclusive; same format as `since`), " +
      "e.g. `2025-01-16T00:00:00Z`.",
    format: "date-time",
  }),
  q: extendApi(
    z
      .string()
      .refine((s) => charCount(s) <= TEXT_MAX_CHARS, `must be at most ${TEXT_MAX_CHARS} characters`)
      .optional(),
    {
      description: "Case-insensitive substring of `text`, e.g. `hello`; `%` and `_` match themselves. Empty means no filter.",
    },
  ),
  order: extendApi(
    z
      .string()
      .refine((value): value is ListOrder => (ORDERS as readonly string[]).includes(value), "must be asc or desc")
      .transform((value) => value as ListOrder)
      .default("asc"),
    {
      type: "string",
      enum: [...ORDERS],
      default: "asc",
      description:
        "`asc` (the default): oldest `ts` instant first, then `message_id`; `desc`: newest first, the exact reverse.",
    },
  ),
};
