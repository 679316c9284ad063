// The operators' shapes: liveness, readiness with its reason, and the metrics text.
import { z } from "zod";
import { doc } from "./schema-parts.js";

export const Live = z.object({ status: doc(z.literal("live"), "The process serves HTTP.", "live") });
export const Ready = z.object({ status: doc(z.literal("ready"), "Database answers and a secret or public key is set.", "ready") });
export const NotReady = z.object({
  status: doc(z.literal("not ready"), "Not taking webhooks now.", "not ready"),
  reason: doc(z.string(), "What is missing: the webhook secret or the database.", "webhook secret not configured"),
});

export const MetricsText = doc(z.string(), "Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` lines, then one sample a line.");

export type MetricsText = z.infer<typeof MetricsText>;
