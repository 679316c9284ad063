// PostgreSQL reads whose plan does not depend on their parameters are prepared once per connection; the others are planned for their values each time.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { isPlanStable } from "../../src/adapters/storage/postgres/prepared-reads.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";

const postgres = DATABASES.find((d) => d.name === "postgres");
if (!postgres) console.warn("prepared-reads: the PostgreSQL half skipped, PostgreSQL is unreachable (see the warning above)");

describe("isPlanStable", () => {
  const cases: Array<[string, boolean]> = [
    ['select "message_id" from "messages" order by "ts_key" asc, "message_id" asc limit $1', true],
    ['select "message_id" from "messages" where "from_msisdn" = $1 order by "ts_key" asc limit $2', true],
    ['select sum("count") as "total" from "sender_counts" where "from_msisdn" = $1', true],
    ['select "from_msisdn", "count" from "sender_counts" order by "count" desc, "from_msisdn" limit $1', true],
    ['select "message_id" from "messages" where "to_msisdn" = $1 order by "ts_key" asc limit $2', false],
    ['select count(*) as "total" from "messages" where "ts_key" >= $1', false],
    ['select "message_id" from "messages" where "from_msisdn" = $1 and "ts_key" < $2 limit $3', false],
    ['select "message_id" from "messages" order by "ts_key" limit $1 offset $2', false],
    ['select "message_id" from "messages" where lower("text") like lower($1) limit $2', false],
    ["select message_id from lyftr_insert_messages(cast($1 as jsonb)) as message_id", false],
    ['insert into "deliveries" ("at") values ($1)', false],
    ['select count(*) as "n" from "messages"', false],
  ];
  for (const [text, stable] of cases) {
    it(`${stable ? "prepares" : "leaves unprepared"} ${text}`, () => {
      expect(isPlanStable(text)).toBe(stable);
    });
  }
});

describe.skipIf(!postgres)("PostgreSQL reads prepared on their connection", () => {
  let storage: Storage;
  let drop: () => Promise<void>;
  /** The one connection of a pool of one, caught as it runs the service's statements. */
  let connection: pg.Client | undefined;
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    const created = await postgres!.create();
    drop = created.drop;
    if (created.location.kind !== "postgres") throw new Error("expected a PostgreSQL location");
    storage = await openDatabase({ ...created.location, poolSize: 1 });
    for (const [from, to] of [["+1", "+9"], ["+1", "+8"], ["+2", "+9"]]) {
      await storage.messages.insertIfAbsent(keyed(aMessage({ from, to, text: `hello from ${from}` })));
    }
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      connection = this;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await storage?.close();
    await drop?.();
  });

  /** What this connection holds prepared, as PostgreSQL itself reports it. */
  const prepared = async (): Promise<string[]> =>
    (await (query as (text: string) => Promise<pg.QueryResult<{ statement: string }>>).call(connection!, "select statement from pg_prepared_statements order by prepare_time")).rows.map(
      (row) => row.statement,
    );

  it("prepares the first page, the sender's page and its count, and the stats, and answers them as before", async () => {
    const page = { limit: 10, offset: 0 };
    for (let run = 0; run < 3; run++) {
      expect((await storage.messages.list({}, page)).total).toBe(3);
      const bySender = await storage.messages.list({ from: "+1" }, page);
      expect(bySender.total).toBe(2);
      expect(bySender.data.map((m) => m.from)).toEqual(["+1", "+1"]);
      expect((await storage.messages.list({ from: "+2" }, page)).total).toBe(1);
      expect((await storage.messages.stats(10)).unique_senders).toBe(2);
    }
    const statements = await prepared();
    expect(statements.some((s) => /from "messages" order by/.test(s))).toBe(true);
    expect(statements.some((s) => /from "messages" where "from_msisdn" = \$1/.test(s))).toBe(true);
    expect(statements.some((s) => /from "sender_counts" where "from_msisdn" = \$1/.test(s))).toBe(true);
    // Once each, however often they ran: prepared once, then only bound.
    expect(new Set(statements).size).toBe(statements.length);
  });

  it("leaves a `to`, a time range, an offset and a search unprepared, planned for their values", async () => {
    const before = await prepared();
    expect((await storage.messages.list({ to: "+9" }, { limit: 10, offset: 0 })).total).toBe(2);
    expect((await storage.messages.list({ sinceKey: "2000-01-01" }, { limit: 10, offset: 0 })).total).toBe(3);
    expect((await storage.messages.list({}, { limit: 1, offset: 1 })).data).toHaveLength(1);
    expect((await storage.messages.list({ q: "FROM +2" }, { limit: 10, offset: 0 })).total).toBe(1);
    expect(await prepared()).toEqual(before);
  });
});
