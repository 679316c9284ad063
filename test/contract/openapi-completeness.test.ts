// The OpenAPI document explains itself: tags, every parameter, field and response described and exemplified, no filter pre-filled.
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "../../src/contracts/openapi.js";

type Schema = {
  $ref?: string;
  type?: string;
  description?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
};

const document = JSON.parse(JSON.stringify(buildOpenApi()));
const resolve = (schema: Schema): Schema =>
  schema.$ref ? document.components.schemas[schema.$ref.split("/").at(-1)!] : schema;

/** Every field below `schema` that lacks a description, or (for a scalar) an example. */
function undocumented(schema: Schema | undefined, where: string): string[] {
  if (!schema) return [];
  const s = resolve(schema);
  return [
    ...Object.entries(s.properties ?? {}).flatMap(([name, field]) => {
      const f = resolve(field);
      const scalar = f.type !== "object" && f.type !== "array";
      return [
        ...(f.description ? [] : [`${where}.${name}: no description`]),
        ...(scalar && f.example === undefined ? [`${where}.${name}: no example`] : []),
        ...undocumented(f, `${where}.${name}`),
      ];
    }),
    ...undocumented(s.items, `${where}[]`),
  ];
}

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, any>).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
);

describe("OpenAPI document", () => {
  it("has operations to check", () => {
    expect(operations.length).toBeGreaterThanOrEqual(6);
  });

  it.each(operations)("$name: has a summary, a description and one tag the document describes", ({ op }) => {
    expect(op.summary).toEqual(expect.any(String));
    expect(op.description).toEqual(expect.any(String));
    expect(op.tags).toHaveLength(1);
    expect(document.tags.map((t: { name: string }) => t.name)).toContain(op.tags[0]);
  });

  it("lists its tags in the order the docs show them, each used and described", () => {
    const used = new Set(operations.flatMap(({ op }) => op.tags));
    expect(document.tags.map((t: { name: string }) => t.name)).toEqual(["Webhook", "Messages", "Stream", "Deliveries", "Stats", "Health", "Metrics"]);
    for (const t of document.tags) {
      expect(used, t.name).toContain(t.name);
      expect(t.description, t.name).toEqual(expect.any(String));
    }
  });

  it.each(operations)("$name: every parameter has a description, and an example where Swagger UI may send it", ({ op }) => {
    const missing = (op.parameters ?? []).flatMap((p: any) => [
      ...(p.description ? [] : [`${p.name}: no description`]),
      ...(p.required && p.example === undefined && p.schema?.example === undefined ? [`${p.name}: no example`] : []),
      ...(!p.required && p.schema?.default === undefined && !/e\.g\. `[^`]+`/.test(p.description ?? "")
        ? [`${p.name}: no example in its description`]
        : []),
    ]);
    expect(missing).toEqual([]);
  });

  // Swagger UI fills "Try it out" from examples, then example, schema.example, schema.default, and sends what it filled.
  it.each(operations)("$name: an optional parameter is pre-filled with nothing but its default", ({ op }) => {
    const prefilled = (op.parameters ?? [])
      .filter((p: any) => !p.required)
      .flatMap((p: any) => {
        const shown = p.examples ?? p.example ?? p.schema?.example;
        return shown === undefined || shown === p.schema?.default ? [] : [`${p.name}: ${JSON.stringify(shown)}`];
      });
    expect(prefilled).toEqual([]);
  });

  it.each(operations)("$name: every response has a description and an example", ({ op }) => {
    const missing = Object.entries(op.responses).flatMap(([status, response]: [string, any]) => [
      ...(/^\d{3}$/.test(response.description) ? [`${status}: no description`] : []),
      ...Object.entries(response.content ?? {}).flatMap(([type, media]: [string, any]) =>
        media.schema.example === undefined && resolve(media.schema).example === undefined ? [`${status} ${type}: no example`] : [],
      ),
    ]);
    expect(missing).toEqual([]);
  });

  it("documents Retry-After on every 503 for the database, and on no readiness answer", () => {
    const retryAfter = Object.fromEntries(
      operations.filter(({ op }) => op.responses["503"]).map(({ name, op }) => [name, op.responses["503"].headers?.["Retry-After"]?.schema?.type ?? null]),
    );
    expect(Object.keys(retryAfter).length).toBeGreaterThanOrEqual(7);
    for (const [name, type] of Object.entries(retryAfter)) expect(type, name).toBe(name.includes("/health/") ? null : "integer");
  });

  it.each(operations)("$name: every field of every body has a description and an example", ({ op }) => {
    const bodies = [
      ["request", op.requestBody?.content?.["application/json"]?.schema],
      ...Object.entries(op.responses).map(([status, r]: [string, any]) => [status, r.content?.["application/json"]?.schema]),
    ] as [string, Schema | undefined][];
    expect(bodies.flatMap(([where, schema]) => undocumented(schema, where))).toEqual([]);
  });
});
