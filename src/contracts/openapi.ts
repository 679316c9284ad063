// The OpenAPI document, generated from the contract and nothing else.
import { generateOpenApi } from "@ts-rest/open-api";
import { contract } from "./contract.js";

export function buildOpenApi(version = "0.1.0") {
  return generateOpenApi(
    contract,
    {
      components: {
        securitySchemes: {
          readToken: {
            type: "http",
            scheme: "bearer",
            description: "Required by GET /messages, GET /stats and GET /deliveries only when the service sets READ_API_TOKEN.",
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
      operationMapper: (operation) => ({
        ...operation,
        ...(operation.requestBody && {
          requestBody: { ...operation.requestBody, description: "The message, as the signature covers it.", required: true },
        }),
        // Routes that can answer 401 for a missing token are the read API; the token is optional server-side.
        ...(operation.responses["401"] && !operation.requestBody && { security: [{}, { readToken: [] }] }),
      }),
    },
  );
}
