// Prometheus metrics: requests by route pattern and status, webhook results, latency (seconds and ms), process defaults.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { WEBHOOK_RESULTS } from "../../domain/delivery.js";
import { endOf, isEventStream, routeOf } from "./request-facts.js";
import { afterVerdict } from "./webhook-pipeline.js";
import type { Step } from "./steps.js";

export interface Metrics {
  registry: Registry;
  /** Counts and times every request when its response has been sent. */
  observe: Step;
}

export function createMetrics(sources: { deliveryLogDropped?: (() => number) | undefined } = {}): Metrics {
  // A registry per app, not the global one: tests start many apps in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route pattern and status code.",
    labelNames: ["path", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from the request's arrival to the end of its response, by route pattern.",
    labelNames: ["path"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // The original assignment's histogram: milliseconds, no labels, buckets at 100 and 500 among others.
  const latencyMs = new Histogram({
    name: "request_latency_ms",
    help: "Time from the request's arrival to the end of its response, in milliseconds, all routes.",
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: "webhook_requests_total",
    help: "POST /webhook requests by result.",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  for (const result of WEBHOOK_RESULTS) webhooks.inc({ result }, 0);
  const { deliveryLogDropped } = sources;
  if (deliveryLogDropped) {
    new Counter({
      name: "delivery_log_dropped_total",
      help: "Delivery-log entries never written: the queue was full (a flood of refused webhooks) or a batch was refused.",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(deliveryLogDropped());
      },
    });
  }

  const streamsOpen = new Gauge({
    name: "event_streams_open",
    help: "GET /messages/stream connections open now.",
    registers: [registry],
  });

  const observe: Step = (req, res, next) => {
    const started = process.hrtime.bigint();
    const isStream = isEventStream(req);
    if (isStream) {
      streamsOpen.inc();
      res.once("close", () => streamsOpen.dec());
    }
    // "close" follows "finish", and also comes alone when the client leaves first (then 499, or what Node sent).
    res.once("close", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = routeOf(req);
      requests.inc({ path, status: String(endOf(req, res).status) });
      if (!isStream) {
        duration.observe({ path }, ms / 1000);
        latencyMs.observe(ms);
      }
      afterVerdict(res, (verdict) => {
        if (verdict !== undefined) webhooks.inc({ result: verdict.result });
      });
    });
    next();
  };
  return { registry, observe };
}
