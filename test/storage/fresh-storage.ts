// Gives each test of a storage suite its own fresh, migrated database from one DATABASES entry.
import { afterEach, beforeEach } from "vitest";
import { openDatabase, type DatabaseLocation, type Storage } from "../../src/adapters/storage/database.js";
import type { MessagePage } from "../../src/application/ports.js";
import { timestampKey, type Message } from "../../src/domain/message.js";
import type { TestDatabase } from "../support/databases.js";
import { keyed } from "../support/messages.js";

export interface FreshStorage {
  readonly storage: Storage;
  /** Where this test's database is, to open it a second time. */
  readonly location: DatabaseLocation;
  /** Inserts each message in the order given and checks that every one was new. */
  insertAll(messages: Message[]): Promise<void>;
}

export function useFreshStorage(database: TestDatabase): FreshStorage {
  let current: { storage: Storage; location: DatabaseLocation; drop(): Promise<void>; closed: boolean } | undefined;

  beforeEach(async () => {
    const { location, drop } = await database.create();
    let opened: Storage;
    try {
      opened = await openDatabase(location);
    } catch (error) {
      // A database that failed to open is still thrown away, so failed runs leave nothing behind.
      await drop();
      throw error;
    }
    const entry = { storage: opened, location, drop, closed: false };
    // A test may close the storage itself; closing twice must not be what fails it.
    entry.storage = {
      messages: opened.messages,
      deliveries: opened.deliveries,
      close: async () => {
        if (entry.closed) return;
        entry.closed = true;
        await opened.close();
      },
    };
    current = entry;
  });

  afterEach(async () => {
    if (!current) return;
    const { storage, drop } = current;
    current = undefined;
    await storage.close();
    await drop();
  });

  const active = () => {
    if (!current) throw new Error("storage is only available inside a test");
    return current;
  };
  const storage = (): Storage => active().storage;

  return {
    get storage() {
      return storage();
    },
    get location() {
      return active().location;
    },
    async insertAll(messages) {
      for (const message of messages) {
        if (!(await storage().messages.insertIfAbsent(keyed(message)))) {
          throw new Error(`fixture ${message.message_id} was not new`);
        }
      }
    },
  };
}

/** The page a repository should answer: these messages, this total, and the list position of the last one. */
export function pageOf(data: Message[], total: number): MessagePage {
  const end = data.at(-1);
  return { data, total, last: end ? { key: timestampKey(end.ts)!, messageId: end.message_id } : null };
}
