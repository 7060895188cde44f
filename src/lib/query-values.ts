// A parameter named twice in a query string (?q=a&q=b) arrives as an array where every list expects
// one text. Nobody types that in a form, so it is refused, naming the parameter ("Give the search
// (q) only once."), the same way on every page, export and API list: pages and exports read their
// parameters through singleQueryValues, and lib/validation refuses an array for a field that takes
// one value with the same message (the API's lists and the services' own checks).
import type { TSchema } from 'typebox';
import { Invalid, type FieldMessages } from './errors.js';

interface Described {
  title?: string;
  type?: string | string[];
  anyOf?: Described[];
  properties?: Record<string, Described>;
}

/** How a message names a parameter: by its schema's title and its name in the address. */
function nameOf(key: string, schema: Described | undefined): string {
  const title = schema?.title ?? schema?.anyOf?.find((s) => s.title)?.title;
  if (!title || title.toLowerCase() === key.toLowerCase()) return `the ${key}`;
  return `the ${title.charAt(0).toLowerCase()}${title.slice(1)} (${key})`;
}

export function repeatedParameterMessage(key: string, schema?: TSchema): string {
  return `Give ${nameOf(key, schema as Described | undefined)} only once.`;
}

function takesArray(schema: Described | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.some(takesArray);
  return Array.isArray(schema.type) ? schema.type.includes('array') : schema.type === 'array';
}

/**
 * The schema's fields given more than once (an array of two or more values where the field takes
 * one), each with its message; null when there is none. A single value in an array (a JSON body's
 * ["ana"]) is not a repetition: the field's own rule answers it.
 */
export function repeatedFields(schema: TSchema, input: unknown): FieldMessages | null {
  const properties = (schema as Described).properties;
  if (!properties || !input || typeof input !== 'object' || Array.isArray(input)) return null;
  let fields: FieldMessages | null = null;
  for (const [key, property] of Object.entries(properties)) {
    const value = Object.hasOwn(input, key) ? (input as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(value) && value.length > 1 && !takesArray(property)) (fields ??= {})[key] = repeatedParameterMessage(key, property as TSchema);
  }
  return fields;
}

/**
 * The query parameters a page reads (the properties of its schema), each as one text or undefined.
 * Parameters the schema does not name (?q[]=a, ?utm_source=…) are not read. A parameter given twice,
 * or as anything but text, answers 422 naming it: an error page for a browser, the error JSON for
 * the API (plugins/error-handler.ts).
 */
export function singleQueryValues(schema: TSchema, query: unknown): Record<string, string | undefined> {
  const properties = (schema as Described).properties ?? {};
  const source = query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
  const values: Record<string, string | undefined> = {};
  const fields: FieldMessages = {};
  for (const [key, property] of Object.entries(properties)) {
    const value = Object.hasOwn(source, key) ? source[key] : undefined;
    if (value === undefined || typeof value === 'string') values[key] = value;
    else fields[key] = repeatedParameterMessage(key, property as TSchema);
  }
  if (Object.keys(fields).length > 0) throw new Invalid(Object.values(fields).join(' '), fields);
  return values;
}
