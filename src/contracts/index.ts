// The package's public surface: the contract, its schemas and the signing helpers.
export { contract, type Contract } from "./contract.js";
export * from "./delivery-schemas.js";
export * from "./error-schemas.js";
export * from "./message-export-schemas.js";
export * from "./message-schemas.js";
export * from "./message-stream-schemas.js";
export * from "./operations-schemas.js";
export * from "./stats-schemas.js";
export * from "./webhook-schemas.js";
export {
  checkHex,
  checkStandard,
  isSecretKey,
  publicKey,
  publicKeyOf,
  publicKeys,
  secretKey,
  signHex,
  signStandard,
  signStandardV1a,
  signingKey,
  signingKeys,
  verifyHex,
  verifyStandard,
  type HexCheck,
  type PublicKey,
  type SecretKey,
  type SigningKey,
  type StandardCheck,
  type StandardKeys,
  type StandardVerdict,
  type StandardWebhookHeaders,
} from "./signature.js";
export {
  createClient,
  EventStreamTooLarge,
  LyftrApiError,
  type ClientOptions,
  type LyftrClient,
  type MessageFilters,
  type MessageStream,
  type MessageStreamOptions,
} from "./client.js";
