// The typed client: ts-rest's client over the contract, signing each webhook over the exact bytes it sends.
import { initClient, tsRestFetchApi, type ApiFetcherArgs } from "@ts-rest/core";
import { contract } from "./contract.js";
import { signHex, signingKey } from "./signature.js";

export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** The webhook secret (plain or `whsec_…`); when given, `ingestMessage` calls are signed. */
  secret?: string;
  /** Bearer token for the read API, when the service sets READ_API_TOKEN. */
  readToken?: string;
  /** Check every answer against the contract's schemas (recommended in tests). */
  validateResponse?: boolean;
  /** Throw on a status the contract does not declare instead of returning it. */
  throwOnUnknownStatus?: boolean;
}

export function createClient(options: ClientOptions) {
  const key = options.secret === undefined ? undefined : signingKey(options.secret);
  const api = async (args: ApiFetcherArgs) => {
    // The body arrives here already serialised: these are the bytes fetch will send.
    const signable = key && args.route === contract.ingestMessage && typeof args.body === "string";
    if (signable && args.headers["x-signature"] === undefined) {
      args.headers["x-signature"] = signHex(key, Buffer.from(args.body as string, "utf8"));
    }
    if (options.readToken && args.route !== contract.ingestMessage && args.headers.authorization === undefined) {
      args.headers.authorization = `Bearer ${options.readToken}`;
    }
    return tsRestFetchApi(args);
  };
  return initClient(contract, {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    validateResponse: options.validateResponse ?? false,
    throwOnUnknownStatus: options.throwOnUnknownStatus ?? false,
    api,
  });
}

export type LyftrClient = ReturnType<typeof createClient>;
