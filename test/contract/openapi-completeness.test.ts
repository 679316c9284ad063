// The OpenAPI document explains itself: every parameter, field and response has a description and an example.
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
    expect(operations.length).toBeGreaterThanOrEqual(5);
  });

  it.each(operations)("$name: every parameter has a description and an example", ({ op }) => {
    const missing = (op.parameters ?? []).flatMap((p: any) => [
      ...(p.description || p.schema?.description ? [] : [`${p.name}: no description`]),
      ...(p.example !== undefined || p.schema?.example !== undefined ? [] : [`${p.name}: no example`]),
    ]);
    expect(missing).toEqual([]);
  });

  it.each(operations)("$name: every response has a description and an example", ({ op }) => {
    const missing = Object.entries(op.responses).flatMap(([status, response]: [string, any]) => {
      const media = response.content?.["application/json"];
      return [
        ...(/^\d{3}$/.test(response.description) ? [`${status}: no description`] : []),
        ...(media && media.schema.example === undefined && resolve(media.schema).example === undefined
          ? [`${status}: no example`]
          : []),
      ];
    });
    expect(missing).toEqual([]);
  });

  it.each(operations)("$name: every field of every body has a description and an example", ({ op }) => {
    const bodies = [
      ["request", op.requestBody?.content?.["application/json"]?.schema],
      ...Object.entries(op.responses).map(([status, r]: [string, any]) => [status, r.content?.["application/json"]?.schema]),
    ] as [string, Schema | undefined][];
    expect(bodies.flatMap(([where, schema]) => undocumented(schema, where))).toEqual([]);
  });
});
