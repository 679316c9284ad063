// The built service with RETENTION_DAYS: purges back-dated messages on its own at start-up, and still stops cleanly on SIGTERM.
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { getJson, killLeftovers, postSigned, startService, waitFor } from "../scale/support.js";
import { tempDatabase } from "./support.js";

describe("RETENTION_DAYS in the running service", () => {
  const database = tempDatabase("retention");
  afterAll(() => {
    killLeftovers();
    database.remove();
  });

  it("purges what was received over that many days ago, answers its retry as a duplicate, and exits 0 on SIGTERM", async () => {
    const messages = ["old-1", "old-2", "recent"].map((message_id) => aMessage({ message_id }));
    const keeping = await startService({ DATABASE_URL: database.url });
    for (const m of messages) expect((await postSigned(keeping.baseUrl, JSON.stringify(m))).status).toBe(200);
    expect(await keeping.stop()).toBe(0);

    // Received, as far as the file says, 40 days ago.
    const file = new BetterSqlite3(database.path);
    file.prepare("update messages set created_at = ? where message_id like 'old-%'").run(new Date(Date.now() - 40 * 86_400_000).toISOString());
    file.close();

    const purging = await startService({ DATABASE_URL: database.url, RETENTION_DAYS: "30" });
    const line = await waitFor("a purge log line", async () => purging.logs.find((l) => typeof l.purged === "number"));
    expect(line).toMatchObject({ level: "info", purged: 2, retentionDays: 30 });
    const page = await getJson(purging.baseUrl, "/messages");
    expect(page.body).toMatchObject({ total: 1, data: [{ message_id: "recent" }] });
    expect((await postSigned(purging.baseUrl, JSON.stringify(messages[0]))).status).toBe(200);
    await waitFor("the retry's request line", async () => purging.logs.find((l) => l.message_id === "old-1" && l.result === "duplicate"));
    expect((await getJson(purging.baseUrl, "/stats")).body).toMatchObject({ total_messages: 1, unique_senders: 1 });
    expect(await purging.stop()).toBe(0);
  });
});
