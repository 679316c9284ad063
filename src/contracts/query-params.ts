// Query-parameter schemas the read routes share: strict integers, and a '+' put back where a space cannot be meant.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";

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
