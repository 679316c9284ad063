// SEARCH_THREADS: searches read on several background threads, so that they use more than one core.
import { startBackgroundThread, type BackgroundThread, type WalRestart } from "./background-thread.js";

/** What the SQLite dialect asks of its background threads, however many there are: what it asks of one. */
export type SearchThreads = Pick<BackgroundThread, "keepIndex" | "read" | "stop">;

/**
 * The first thread keeps the text index and reads searches, as a single thread does; the others
 * read searches only. A search goes to the thread with the fewest waiting, the first on a tie, so a
 * second thread starts (and takes its memory) only once searches overlap.
 */
export function startSearchThreads(
  count: number,
  files: Parameters<typeof startBackgroundThread>[0],
  onError: (error: Error) => void,
  /** For the first thread, which checkpoints the WAL. */
  walRestart?: WalRestart,
  // Tests watch the threads through it; the threads are real either way.
  start: typeof startBackgroundThread = startBackgroundThread,
): SearchThreads {
  const threads: BackgroundThread[] = Array.from({ length: Math.max(1, count) }, (_, i) =>
    start(files, onError, i === 0 ? walRestart : undefined),
  );
  const [keeper, ...readers] = threads as [BackgroundThread, ...BackgroundThread[]];
  return {
    keepIndex(events) {
      const indexer = keeper.keepIndex(events);
      return {
        // Stopped before the index file is set aside and replaced: no thread may hold the old one open then.
        stop: async () => void (await Promise.all([indexer.stop(), ...readers.map((reader) => reader.letGoOfIndex())])),
      };
    },
    read(queries, signal) {
      const idlest = threads.reduce((best, thread) => (thread.waiting() < best.waiting() ? thread : best));
      return idlest.read(queries, signal);
    },
    stop: async () => void (await Promise.all(threads.map((thread) => thread.stop()))),
  };
}
