// The repository's `to` and `untilKey` filters and newest-first order, and the indexes the `to` and `from` pages read, on every database in DATABASES.
import Sqlite from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { PageRequest } from "../../src/application/ports.js";
import { PAGE_COLUMNS } from "../../src/adapters/storage/message-list.js";
import { dateTimeKey } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

const T = (time: string) => `2025-01-15T${time}Z`;
const key = (value: string) => dateTimeKey(value)!;

describe.each(DATABASES)("message order and recipient on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;
  const ids = async (page: Partial<PageRequest> = {}, filter = {}) =>
    (await repo().list(filter, { limit: 100, offset: 0, ...page })).data.map((m) => m.message_id);

  const fixtures = () =>
    fresh.insertAll([
      aMessage({ message_id: "b", to: "+2", ts: T("10:00:00") }),
      aMessage({ message_id: "a", to: "+1", ts: T("10:00:00.000") }),
      aMessage({ message_id: "c", to: "+1", ts: T("09:59:59.999") }),
      aMessage({ message_id: "d", to: "+12", ts: T("10:00:00.001") }),
    ]);

  it("desc reverses the list, ties between spellings of one instant included", async () => {
    await fixtures();
    expect(await ids()).toEqual(["c", "a", "b", "d"]);
    expect(await ids({ order: "desc" })).toEqual(["d", "b", "a", "c"]);
  });

  it("desc continues strictly after a position, going backwards", async () => {
    await fixtures();
    expect(await ids({ order: "desc", after: { key: key(T("10:00:00")), messageId: "b" } })).toEqual(["a", "c"]);
  });

  it("to matches the recipient exactly; untilKey keeps only what is strictly before", async () => {
    await fixtures();
    expect(await ids({}, { to: "+1" })).toEqual(["c", "a"]);
    expect(await ids({}, { untilKey: key(T("10:00:00")) })).toEqual(["c"]);
    const page = await repo().list({ to: "+1", untilKey: key(T("10:00:00.001")) }, { limit: 1, offset: 0, order: "desc" });
    expect(page).toMatchObject({ total: 2, data: [{ message_id: "a" }] });
  });

  it("batch reads the next rows after a position, in either order, with the filters and no total", async () => {
    await fixtures();
    const first = await repo().batch({ untilKey: key(T("10:00:00.001")) }, { limit: 2, order: "desc" });
    expect(first.data.map((m) => m.message_id)).toEqual(["b", "a"]);
    const rest = await repo().batch({ untilKey: key(T("10:00:00.001")) }, { limit: 2, order: "desc", after: first.last! });
    expect(rest).toEqual({ data: [expect.objectContaining({ message_id: "c" })], last: { key: key(T("09:59:59.999")), messageId: "c" } });
  });

  /** How the database would run this query on the fresh schema (on PostgreSQL, with scans ruled out). */
  const planOf = async (query: string): Promise<string> => {
    const location = fresh.location;
    if (location.kind === "sqlite") {
      const db = new Sqlite(location.path, { readonly: true });
      const plan = db.prepare(`explain query plan ${query}`).all().map((row: any) => row.detail).join("\n");
      db.close();
      return plan;
    }
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    // A table this small is cheaper to scan; what matters is that the index can serve the query.
    await client.query("set enable_seqscan = off");
    const plan = (await client.query(`explain ${query}`)).rows.map((row) => row["QUERY PLAN"]).join("\n");
    await client.end();
    return plan;
  };

  it("reads a recipient's messages, in either order, through the (to, ts_key, message_id) index", async () => {
    const plan = await planOf("select message_id from messages where to_msisdn = '+1' order by ts_key desc, message_id desc limit 10");
    expect(plan).toContain("messages_to_ts_key_id");
    expect(plan).not.toMatch(/TEMP B-TREE|Sort/);
  });

  it("reads a sender's page, in either order, through one index; on SQLite (0013) without visiting the rows", async () => {
    for (const order of ["asc", "desc"]) {
      const plan = await planOf(
        `select ${PAGE_COLUMNS.join(", ")} from messages where from_msisdn = '+1' order by ts_key ${order}, message_id ${order} limit 50`,
      );
      expect(plan).toContain(fresh.location.kind === "sqlite" ? "USING COVERING INDEX messages_from_page" : "messages_from_ts_key_id");
      expect(plan).not.toMatch(/TEMP B-TREE|Sort/);
    }
  });
});
