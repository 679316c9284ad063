// PostgreSQL: a retry that arrives while its message is being purged waits for the purge, then is a duplicate, stored nowhere.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

const postgres = DATABASES.find((d) => d.name === "postgres");

describe.skipIf(!postgres)("a retry racing a purge on PostgreSQL", () => {
  const fresh = useFreshStorage(postgres!);

  it("is answered duplicate once the purge commits, and not stored again", async () => {
    const message = aMessage({ message_id: "racing" });
    await fresh.insertAll([message]);
    const location = fresh.location;
    if (location.kind !== "postgres") throw new Error("not a PostgreSQL location");

    // A purge caught half-way: its row deleted and its tombstone written, not committed yet.
    const purge = new pg.Client({ connectionString: location.url });
    await purge.connect();
    try {
      await purge.query("begin");
      await purge.query("insert into purged_messages (message_id, content_hash, purged_at) select message_id, content_hash, 'now' from messages where message_id = $1", [message.message_id]);
      await purge.query("delete from messages where message_id = $1", [message.message_id]);

      // The retry's insert waits on the deleted row's lock; its own snapshot saw no tombstone.
      let answered = false;
      const retry = fresh.storage.messages.insertIfAbsent(keyed(message)).finally(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered).toBe(false);
      await purge.query("commit");

      expect(await retry).toEqual({ kind: "duplicate" });
      const page = await fresh.storage.messages.list({}, { limit: 10, offset: 0 });
      expect(page.total).toBe(0);
      expect((await fresh.storage.messages.stats(10)).total_messages).toBe(0);
    } finally {
      await purge.end();
    }
  });
});
