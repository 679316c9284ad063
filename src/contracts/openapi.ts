// The OpenAPI document, generated from the contract and nothing else.
import { generateSchema } from "@anatine/zod-openapi";
import { isAppRouteOtherResponse, isZodType, type AppRoute } from "@ts-rest/core";
import { generateOpenApi } from "@ts-rest/open-api";
import type { ZodTypeAny } from "zod";
import { contract, type ApiTag } from "./contract.js";
import { RETRY_AFTER_SECONDS } from "./contract-parts.js";

/** The groups Swagger UI lists, in this order; each route names its own in `metadata.tag`. */
const TAGS: Record<ApiTag, string> = {
  Webhook: "Signed messages in, each `message_id` stored once.",
  Messages: "Stored messages out: filtered, ordered, paged.",
  Stream: "Stored messages pushed as they arrive (Server-Sent Events), resumable without loss.",
  Deliveries: "Refused webhook attempts and why: the delivery log, newest first.",
  Stats: "Counts over every stored message.",
  Health: "Probes for orchestrators and load balancers.",
  Metrics: "What a Prometheus scraper reads.",
};

type OperationMapper = NonNullable<NonNullable<Parameters<typeof generateOpenApi>[2]>["operationMapper"]>;
type Operation = Parameters<OperationMapper>[0];
type Parameter = NonNullable<Operation["parameters"]>[number];

const tagOf = (route: AppRoute) => (route.metadata as { tag?: ApiTag } | undefined)?.tag;

/** ts-rest leaves a header's description inside its schema, where Swagger UI does not show it. */
const describedHeader = (parameter: Parameter): Parameter => {
  if (!("in" in parameter) || parameter.in !== "header" || !parameter.schema || "$ref" in parameter.schema) return parameter;
  const { description, ...schema } = parameter.schema;
  return description ? { ...parameter, description, schema } : parameter;
};

/** ts-rest 3.52 documents a non-JSON answer (`c.otherResponse`) as a bare status; this gives it its type and words. */
const otherResponses = (route: AppRoute) =>
  Object.fromEntries(
    Object.entries(route.responses).flatMap(([status, response]) => {
      if (!isAppRouteOtherResponse(response) || !isZodType(response.body)) return [];
      const { body, contentType } = response;
      // A route answering in more than one type names the others in its metadata.
      const others = status === "200" ? ((route.metadata as { otherContent?: Record<string, ZodTypeAny> })?.otherContent ?? {}) : {};
      const content = Object.fromEntries(
        [[contentType, body] as const, ...Object.entries(others)].map(([type, schema]) => [type, { schema: generateSchema(schema) }]),
      );
      return [[status, { description: body.description ?? status, content }]];
    }),
  );

/**
 * A 503 for the database says when to try again (RETRY_AFTER_SECONDS); the readiness
 * probe's 503 does not, nor does the webhook's while no secret is configured.
 */
const withRetryAfter = (route: AppRoute, responses: Operation["responses"]): Operation["responses"] => {
  const unavailable = responses["503"];
  if (!unavailable || "$ref" in unavailable || tagOf(route) === "Health") return responses;
  const retryAfter = {
    description: "Seconds to wait before trying again; sent with `database unavailable`.",
    schema: { type: "integer" as const, minimum: 1, example: RETRY_AFTER_SECONDS },
  };
  return { ...responses, "503": { ...unavailable, headers: { ...unavailable.headers, "Retry-After": retryAfter } } };
};

export function buildOpenApi(version = "0.1.0") {
  return generateOpenApi(
    contract,
    {
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          readToken: {
            type: "http",
            scheme: "bearer",
            description:
              "One of the service's READ_API_TOKEN values, sent as `Authorization: Bearer <token>`. Required by " +
              "GET /messages, GET /messages/export, GET /stats and GET /deliveries only when the service sets READ_API_TOKEN.",
          },
        },
      },
      info: {
        title: "Lyftr webhook service",
        version,
        description:
          "Receives signed webhook messages, stores each `message_id` exactly once, and serves them back. " +
          "Every error is JSON with a `detail` string.",
      },
    },
    {
      setOperationId: true,
      operationMapper: (operation, route) => ({
        ...operation,
        tags: tagOf(route) ? [tagOf(route)!] : [],
        parameters: operation.parameters?.map(describedHeader),
        responses: withRetryAfter(route, { ...operation.responses, ...otherResponses(route) }),
        ...(operation.requestBody && {
          requestBody: { ...operation.requestBody, description: "The message, as the signature covers it.", required: true },
        }),
        // Routes that can answer 401 for a missing token are the read API; the token is optional server-side.
        ...(operation.responses["401"] && !operation.requestBody && { security: [{}, { readToken: [] }] }),
      }),
    },
  );
}
