// One validation path for forms, the JSON API and the CLI: TypeBox schemas, converted from form
// strings where needed, errors turned into Invalid with a message per field.
import type { TSchema, Static } from 'typebox';
import Value from 'typebox/value';
import { Invalid, type FieldMessages } from './errors.js';

interface Described {
  errorMessage?: string;
  title?: string;
  properties?: Record<string, Described>;
}

export function validate<S extends TSchema>(schema: S, input: unknown, message = 'Check the highlighted fields.'): Static<S> {
  const cleaned = Value.Clean(schema, Value.Convert(schema, Value.Clone(trimStrings(input))));
  const errors = [...Value.Errors(schema, cleaned)];
  if (errors.length === 0) return cleaned as Static<S>;
  const fields: FieldMessages = {};
  for (const error of errors) {
    const field = error.instancePath.replace(/^\//, '').split('/')[0] || (error.params as { requiredProperties?: string[] }).requiredProperties?.[0] || '_';
    if (fields[field]) continue;
    const described = (schema as Described).properties?.[field];
    fields[field] = described?.errorMessage ?? `${described?.title ?? field} ${error.message}`;
  }
  throw new Invalid(message, fields);
}

// Form fields arrive with stray spaces; passwords are the exception (a space may be part of one).
function trimStrings(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    out[key] = typeof value === 'string' && !/password/i.test(key) ? value.trim() : value;
  }
  return out;
}
