// One sample of GET /metrics, for tests that count what a request did.

/** The value of one sample line (`series` as printed, labels and all), 0 when the series is absent. */
export async function sample(server: { baseUrl: string }, series: string): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
