// What every route of the contract is written with: the ts-rest builder, doc groups, and the answers routes share.
import { extendApi } from "@anatine/zod-openapi";
import { initContract } from "@ts-rest/core";
import type { z, ZodTypeAny } from "zod";
import { ErrorBody, ValidationErrorBody } from "./error-schemas.js";

export const c = initContract();

/** The group a route is listed under in the docs; openapi.ts describes and orders them. */
export type ApiTag = "Webhook" | "Messages" | "Stream" | "Deliveries" | "Stats" | "Health" | "Metrics";
export const tag = (name: ApiTag) => ({ tag: name });

/** A response: `.describe()` is what ts-rest shows for the status; the example goes on the copy it makes. */
export const answer = <T extends ZodTypeAny>(schema: T, description: string, example: z.input<T>) =>
  extendApi(schema.describe(description), { example });

export const error = (description: string, detail: string) => answer(ErrorBody, description, { detail });

/**
 * How long a 503 for the database asks the client to wait before trying again (RFC 9110
 * Retry-After, in seconds): about as long as a lost connection takes to be replaced, a database
 * starting up takes between two attempts, or a busy pool makes a request wait before giving up.
 */
export const RETRY_AFTER_SECONDS = 5;
export const unavailable = error("The database is unavailable; nothing was read or written. Retry later.", "database unavailable");
export const unauthorized = error(
  "A read token is configured and the request lacks `Authorization: Bearer <token>` or has a wrong one.",
  "missing or invalid bearer token",
);
export const invalid = (path: string, message: string) =>
  answer(ValidationErrorBody, "A parameter or field is malformed or out of range; `errors` says which.", {
    detail: "validation failed",
    errors: [{ path, message }],
  });
