// Stats kept until the next commit: between two commits every caller shares one answer, and a polling dashboard costs no queries.
import type { MessageStats } from "../../application/ports.js";

const deepFreeze = (stats: MessageStats): MessageStats => {
  for (const sender of stats.top_senders) Object.freeze(sender);
  Object.freeze(stats.top_senders);
  return Object.freeze(stats);
};

/** Wraps a stats query; `changeStamp` moves with every commit (absent: nothing is kept). */
export function cachedStats(
  compute: (topSenders: number) => Promise<MessageStats>,
  changeStamp: (() => string) | undefined,
): (topSenders: number) => Promise<MessageStats> {
  if (changeStamp === undefined) return compute;
  let last: { stamp: string; topSenders: number; stats: MessageStats } | undefined;
  return async (topSenders) => {
    // Read before computing: a commit in between changes the stamp, so the answer is never kept past it.
    const stamp = changeStamp();
    if (last?.stamp === stamp && last.topSenders === topSenders) return last.stats;
    // Frozen: every caller until the next commit shares this object.
    const stats = deepFreeze(await compute(topSenders));
    last = { stamp, topSenders, stats };
    return stats;
  };
}
