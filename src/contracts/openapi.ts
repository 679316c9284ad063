// The OpenAPI document, generated from the contract and nothing else.
import { generateOpenApi } from "@ts-rest/open-api";
import { contract } from "./contract.js";

export function buildOpenApi(version = "0.1.0") {
  return generateOpenApi(
    contract,
    {
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
      operationMapper: (operation) =>
        operation.requestBody
          ? { ...operation, requestBody: { ...operation.requestBody, description: "The message, as the signature covers it.", required: true } }
          : operation,
    },
  );
}
