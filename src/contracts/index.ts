// The package's public surface: the contract, its schemas and the signing helpers.
export { contract, type Contract } from "./contract.js";
export * from "./schemas.js";
export * from "./delivery-schemas.js";
export {
  checkHex,
  checkStandard,
  signHex,
  signStandard,
  signingKey,
  signingKeys,
  verifyHex,
  verifyStandard,
  type HexCheck,
  type SigningKey,
  type StandardCheck,
  type StandardVerdict,
  type StandardWebhookHeaders,
} from "./signature.js";
export { createClient, LyftrApiError, type ClientOptions, type LyftrClient, type MessageFilters } from "./client.js";
