// The typed client: ts-rest's client over the contract, signing each webhook over the exact bytes it sends, and paging for you.
import { initClient, tsRestFetchApi, type ApiFetcherArgs } from "@ts-rest/core";
import { contract } from "./contract.js";
import type { Message, MessagesQuery } from "./schemas.js";
import { signHex, signingKey } from "./signature.js";

export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** The webhook secret (plain or `whsec_…`); when given, `ingestMessage` calls are signed. */
  secret?: string | undefined;
  /** Bearer token for the read API, when the service sets READ_API_TOKEN. */
  readToken?: string | undefined;
  /** Check every answer against the contract's schemas (recommended in tests). */
  validateResponse?: boolean | undefined;
  /** Throw on a status the contract does not declare instead of returning it. */
  throwOnUnknownStatus?: boolean | undefined;
}

/** The filters of `GET /messages`; paging is the iterator's business. */
export type MessageFilters = Pick<MessagesQuery, "from" | "since" | "q">;

/** An answer other than the one a call needed, with the service's status and body. */
export class LyftrApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`the service answered ${status}: ${JSON.stringify(body)}`);
    this.name = "LyftrApiError";
  }
}

const PAGE_SIZE = 100;

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
  const client = initClient(contract, {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    validateResponse: options.validateResponse ?? false,
    throwOnUnknownStatus: options.throwOnUnknownStatus ?? false,
    api,
  });

  /**
   * Every message matching the filters, in list order, fetched page by page with keyset cursors, so
   * it costs the same at any depth and neither skips nor repeats while messages arrive.
   */
  async function* messages(filters: MessageFilters = {}): AsyncGenerator<Message, void, undefined> {
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await client.listMessages({ query: { ...defined(filters), limit: PAGE_SIZE, cursor } });
      if (page.status !== 200) throw new LyftrApiError(page.status, page.body);
      yield* page.body.data;
      cursor = page.body.next_cursor ?? null;
    }
  }

  return Object.assign(client, { messages });
}

/** Leaves out filters given as undefined, which would otherwise travel as the text "undefined". */
const defined = (filters: MessageFilters): MessageFilters =>
  Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));

export type LyftrClient = ReturnType<typeof createClient>;
