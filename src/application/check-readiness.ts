// CheckReadiness: ready to take webhooks only while the store answers and takes writes.
import type { MessageRepository } from "./ports.js";

export type Readiness = { ready: true } | { ready: false; reason: "database unavailable" | "database not accepting writes" };

export async function checkReadiness(ports: { messages: MessageRepository }): Promise<Readiness> {
  try {
    await ports.messages.ping();
  } catch {
    return { ready: false, reason: "database unavailable" };
  }
  try {
    // A store that answers reads may still refuse every write (a full disk): a load balancer
    // should then stop sending webhooks here, which could only be refused.
    await ports.messages.writable();
  } catch {
    return { ready: false, reason: "database not accepting writes" };
  }
  return { ready: true };
}
