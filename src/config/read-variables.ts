// Reads the environment against envSchema (schema.ts): each variable the schema names, its default
// where it is unset, a whole number from its text where the schema wants an integer, and what the
// schema refuses, in JSON Schema's words ("must be <= 65535"), checked by TypeBox as every other
// input is (lib/validation.ts). It replaced env-schema, which builds an Ajv instance and compiles
// its own options' schema as it loads: 110 ms of every server process's start, the cluster primary's
// and each worker's, on a start measured against 1 s (bench/RESULTS.md, start to ready).
import Value from 'typebox/value';
import { envSchema } from './schema.js';

export interface VariableProblem {
  /** The variable, e.g. PORT. */
  readonly name: string;
  /** What is wrong with its value, e.g. "must be <= 65535". */
  readonly message: string;
}

type Property = { type: string; default?: unknown };

/**
 * The variables envSchema names, typed and defaulted (unknown ones dropped), and the problems. A
 * refused variable's default stands in for it in `values`, so the caller's other checks still run
 * and every problem is reported in one go.
 */
export function readVariables(data: Readonly<Record<string, unknown>>): { values: Record<string, unknown>; problems: VariableProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: VariableProblem[] = [];
  for (const [name, property] of Object.entries(envSchema.properties as Record<string, Property>)) {
    const given = data[name];
    if (given === undefined) {
      if (property.default !== undefined) values[name] = property.default;
      continue;
    }
    const value = property.type === 'integer' ? asNumber(given) : given;
    // Each variable on its own, its first problem only: TypeBox stops at 8 errors in all (every
    // problem is to be reported at once), and 0.5 is both "not integer" and "below 1" (one is enough).
    const [first] = Value.Errors(property, value);
    if (!first) values[name] = value;
    else {
      problems.push({ name, message: first.message });
      if (property.default !== undefined) values[name] = property.default;
    }
  }
  return { values, problems };
}

/** "8080" as 8080; anything else as given, for the schema to refuse ("eighty", "3.5" is refused as not whole, and so is " ", which Ajv read as 0). */
function asNumber(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value);
  return Number.isNaN(number) ? value : number;
}
