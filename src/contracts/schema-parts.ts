// The pieces the API's schemas are built from: the sample message, refusal wording, parsing once, documented fields.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { charCount, isE164, isStorableText } from "../domain/message.js";

export const SAMPLE = {
  message_id: "m1",
  from: "+919876543210",
  to: "+14155550100",
  ts: "2025-01-15T10:00:00Z",
  text: "Hello",
};

export const E164_MESSAGE = "must be E.164: '+' then 1 to 15 digits, the first not 0";

/** A string parsed once by `parse`, whose result is what validation hands on; null is the refusal `message`. */
export const parsedString = <T>(parse: (value: string) => T | null, message: string) =>
  z.string().transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed !== null) return parsed;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  });

export const keyed = (text: string, key: string | null) => (key === null ? null : { text, key });

// Factories, not shared instances: extendApi annotates the schema object it is given.
export const e164 = (example: string) =>
  extendApi(z.string().refine(isE164, E164_MESSAGE), { pattern: "^\\+[1-9][0-9]{0,14}$", example });

/** A string that is stored and returned unchanged: well-formed Unicode, no NUL, at most `max` characters. */
export const storableString = (max: number) =>
  extendApi(
    z
      .string()
      .refine(isStorableText, "must be well-formed Unicode without NUL characters")
      .refine((s) => charCount(s) <= max, `must be at most ${max} characters`),
    { maxLength: max },
  );

/** An integer query parameter: digits only, so `1e1`, `0x10` and ` 5` are refused rather than guessed at. */
export const queryInt = (min: number, max: number, defaultValue: number, description: string) => {
  const rule = min === 0 && max === Number.MAX_SAFE_INTEGER ? "a non-negative integer" : `an integer from ${min} to ${max}`;
  return extendApi(
    z
      // Only an array fails here: a query parameter given twice.
      .custom<number | string>((value) => typeof value === "number" || typeof value === "string", "is repeated: give it once")
      .transform((value, ctx) => {
        const n = typeof value === "number" ? value : /^[0-9]+$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${rule}` });
          return z.NEVER;
        }
        return n;
      })
      .default(defaultValue),
    { type: "integer", nullable: false, minimum: min, maximum: max, default: defaultValue, description, example: defaultValue },
  );
};

/**
 * Puts back a '+' that arrived as a space: an unencoded `+` in a query string means space, and
 * neither a phone number nor a UTC offset ever holds one.
 */
export const restorePlus = (value: string) => value.replace(/^ (?=[0-9])|(?<=[0-9]) (?=[0-9]{2}:?[0-9]{2}$)/, "+");

/** A schema with its description and example, as the OpenAPI document shows them. */
export const doc = <T extends z.ZodTypeAny>(schema: T, description: string, example?: unknown) =>
  extendApi(schema, example === undefined ? { description } : { description, example });
