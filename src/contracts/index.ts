// The package's public surface: the contract, its schemas and the signing helpers.
export { contract, type Contract } from "./contract.js";
export * from "./schemas.js";
export { signHex, signStandard, signingKey, signingKeys, verifyHex, verifyStandard } from "./signature.js";
export { createClient, type ClientOptions, type LyftrClient } from "./client.js";
