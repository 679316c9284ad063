// Moves a damaged text index file out of the way, with its WAL, for a fresh one to take its place.
import { renameSync, rmSync, statSync, type Stats } from "node:fs";

/**
 * Moves a damaged index file aside, where someone may look at it, with its WAL (left behind, it
 * would be replayed into the fresh file); answers where it went. Nothing moves when the file at the
 * path is not the one found damaged: another process has replaced it already.
 */
export function setAside(indexPath: string, damaged: Stats | undefined): string | null {
  const now = statSync(indexPath, { throwIfNoEntry: false });
  if (now === undefined || damaged === undefined || now.ino !== damaged.ino || now.dev !== damaged.dev) return null;
  const aside = `${indexPath}.corrupt-${new Date().toISOString().replace(/[-:.]/g, "")}`;
  renameSync(indexPath, aside);
  if (statSync(`${indexPath}-wal`, { throwIfNoEntry: false })) renameSync(`${indexPath}-wal`, `${aside}-wal`);
  rmSync(`${indexPath}-shm`, { force: true });
  return aside;
}
