// The typed client: ts-rest's client over the contract, signing each webhook over the exact bytes it sends, paging and streaming for you.
import { randomUUID } from "node:crypto";
import { initClient, tsRestFetchApi, type ApiFetcherArgs } from "@ts-rest/core";
import { contract } from "./contract.js";
import type { z } from "zod";
import type { Message, MessagesQuery } from "./message-schemas.js";
import { LyftrApiError } from "./api-error.js";
import { streamMessages, type MessageStreamOptions } from "./message-stream-client.js";
import { isSecretKey, secretKey, signHex, signStandardV1a, signingKey } from "./signature.js";

export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /**
   * How `ingestMessage` calls are signed: the webhook secret (plain or `whsec_…`) signs X-Signature;
   * a `whsk_…` Ed25519 secret key signs Standard Webhooks v1a, with a fresh webhook-id and the current time.
   */
  secret?: string | undefined;
  /** Bearer token for the read API, when the service sets READ_API_TOKEN. */
  readToken?: string | undefined;
  /** Check every answer against the contract's schemas (recommended in tests). */
  validateResponse?: boolean | undefined;
  /** Throw on a status the contract does not declare instead of returning it. */
  throwOnUnknownStatus?: boolean | undefined;
}

/** The filters and order of `GET /messages`, as sent; paging is the iterator's business. */
export type MessageFilters = Pick<z.input<typeof MessagesQuery>, "from" | "to" | "since" | "until" | "q" | "order">;

export { LyftrApiError };
export { EventStreamTooLarge } from "./event-stream.js";
export type { MessageStream, MessageStreamOptions } from "./message-stream-client.js";

const PAGE_SIZE = 100;

export function createClient(options: ClientOptions) {
  const secret = options.secret;
  const v1aKey = secret !== undefined && isSecretKey(secret) ? secretKey(secret) : undefined;
  const key = secret === undefined || v1aKey !== undefined ? undefined : signingKey(secret);
  const api = async (args: ApiFetcherArgs) => {
    // The body arrives here already serialised: these are the bytes fetch will send.
    const bytes = args.route === contract.ingestMessage && typeof args.body === "string" ? Buffer.from(args.body, "utf8") : undefined;
    if (bytes && key && args.headers["x-signature"] === undefined) {
      args.headers["x-signature"] = signHex(key, bytes);
    }
    if (bytes && v1aKey && args.headers["webhook-signature"] === undefined) {
      const id = `msg_${randomUUID().replaceAll("-", "")}`;
      const timestamp = Math.floor(Date.now() / 1000);
      args.headers["webhook-id"] = id;
      args.headers["webhook-timestamp"] = String(timestamp);
      args.headers["webhook-signature"] = signStandardV1a(v1aKey, id, timestamp, bytes);
    }
    if (options.readToken && args.route !== contract.ingestMessage && args.headers.authorization === undefined) {
      args.headers.authorization = `Bearer ${options.readToken}`;
    }
    return tsRestFetchApi(args);
  };
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const client = initClient(contract, {
    baseUrl,
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

  /**
   * Every message that arrives (after `after`, when given), in arrival order, without end: it
   * reconnects when the connection drops and resumes after the last event id it saw.
   */
  const stream = (streamOptions: MessageStreamOptions = {}) =>
    streamMessages({ baseUrl, readToken: options.readToken, validateResponse: options.validateResponse }, streamOptions);

  return Object.assign(client, { messages, stream });
}

/** Leaves out filters given as undefined, which would otherwise travel as the text "undefined". */
const defined = (filters: MessageFilters): MessageFilters =>
  Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));

export type LyftrClient = ReturnType<typeof createClient>;
