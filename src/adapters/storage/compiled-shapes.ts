// Queries compiled once per shape: built with named slots where the values go, then each request binds its own values.
import { CompiledQuery, type Compilable } from "kysely";

/** Stands where a value goes while a shape is compiled; the parameter it becomes is looked up by name. */
class Slot {
  constructor(readonly name: string) {}
}

type Values = Record<string, unknown>;

interface Shape {
  sql: string;
  slots: string[];
}

/**
 * Building a query and compiling it cost a read a tenth of its CPU, and the reads of a list come in a
 * few dozen shapes. `build` makes the queries from the choices that shape the SQL text (`choices`,
 * named by `nameOf`) and from values, and is called once per shape with a slot for each value
 * given: which values are given is part of the shape. A shape whose compiled parameters are not
 * all slots (a value worked into the SQL text, or one computed from another) is built every time.
 */
export function compiledByShape<C, V extends Values>(
  nameOf: (choices: C) => string,
  build: (choices: C, values: V) => Compilable[],
  maxShapes = 256,
): (choices: C, values: V) => CompiledQuery[] {
  const shapes = new Map<string, Shape[] | null>();
  const compile = (choices: C, values: V) => build(choices, values).map((query) => query.compile());
  return (choices, values) => {
    const entries = Object.entries(values);
    const key = `${nameOf(choices)}:${entries.flatMap(([name, value]) => (value === undefined ? [] : [name])).join(",")}`;
    let known = shapes.get(key);
    if (known === undefined) {
      const slotted = Object.fromEntries(entries.map(([name, value]) => [name, value === undefined ? undefined : new Slot(name)]));
      const compiled = compile(choices, slotted as V);
      const cacheable = compiled.every((query) => query.parameters.every((parameter) => parameter instanceof Slot));
      known = cacheable ? compiled.map((query) => ({ sql: query.sql, slots: query.parameters.map((parameter) => (parameter as Slot).name) })) : null;
      if (shapes.size >= maxShapes) shapes.delete(shapes.keys().next().value!);
      shapes.set(key, known);
    }
    if (known === null) return compile(choices, values);
    return known.map((shape) => CompiledQuery.raw(shape.sql, shape.slots.map((name) => values[name])));
  };
}
