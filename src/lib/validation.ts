// One validation path for forms, the JSON API and the CLI: TypeBox schemas, form strings converted
// only where the conversion is exact, text normalised and checked by its declared rule
// (lib/text-rules.ts), errors turned into Invalid with a message per field.
import type { TSchema, Static } from 'typebox';
import Compile from 'typebox/compile';
import Value from 'typebox/value';
import { Conflict, Invalid, type FieldMessages } from './errors.js';
import { repeatedFields } from './query-values.js';
import { breaksTextRule, normaliseText, textRuleMessage, textRuleOf } from './text-rules.js';

interface Described {
  errorMessage?: string;
  const?: unknown;
  title?: string;
  type?: string | string[];
  anyOf?: Described[];
  properties?: Record<string, Described>;
}

// Compiled once per schema: an import checks the same schema for 10,000 rows.
const compiled = new WeakMap<TSchema, { Check(value: unknown): boolean }>();

function checkerOf(schema: TSchema) {
  let checker = compiled.get(schema);
  if (!checker) compiled.set(schema, (checker = Compile(schema)));
  return checker;
}

/**
 * Drops the fields a schema does not name. For the flat objects forms, the API and imports send
 * (no nested objects) a shallow copy does it; anything else goes through Value.Clean.
 */
function withoutUnknownFields(schema: TSchema, input: unknown): unknown {
  const properties = (schema as Described & { additionalProperties?: unknown }).properties;
  let flat = flatSchemas.get(schema);
  if (flat === undefined) {
    flat = !!properties && Object.values(properties).every((p) => !typesOf(p).includes('object') && !typesOf(p).includes('array'));
    flatSchemas.set(schema, flat);
  }
  if (!properties || !flat || !input || typeof input !== 'object' || Array.isArray(input)) return Value.Clean(schema, Value.Clone(input));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) if (Object.hasOwn(input, key)) out[key] = (input as Record<string, unknown>)[key];
  return out;
}

/**
 * The input as the schema takes it (trimmed, text normalised, exactly converted, unknown fields
 * dropped), and what it refuses. `repeated`: a field given more than once (?q=a&q=b) — what the
 * person must fix first, so the answer names only that.
 */
function inspect<S extends TSchema>(schema: S, input: unknown): { data: Record<string, unknown>; fields: FieldMessages | null; repeated?: boolean } {
  const properties = (schema as Described).properties ?? {};
  const repeated = repeatedFields(schema, input);
  if (repeated) return { data: {}, fields: repeated, repeated: true };
  const prepared = convertExactly(properties, trimStrings(normaliseTexts(properties, input)));
  const cleaned = withoutUnknownFields(schema, prepared) as Record<string, unknown>;
  // PostgreSQL cannot hold U+0000 in text: a NUL in any field (a username on the sign-in form, a
  // search) would fail the query with a 500, so it is refused here even where no text rule applies.
  const withNul = Object.keys(cleaned && typeof cleaned === 'object' ? cleaned : {}).filter((key) => typeof cleaned[key] === 'string' && (cleaned[key] as string).includes('\u0000'));
  const errors = checkerOf(schema).Check(cleaned) ? [] : [...Value.Errors(schema, cleaned)];
  if (errors.length === 0 && withNul.length === 0) return { data: cleaned, fields: null };
  const fields: FieldMessages = {};
  const describe = (field: string, fallback: string) => {
    const described = properties[field];
    // An invisible or control character is what to fix, whatever else the field's rule says.
    const rule = textRuleOf(described as TSchema | undefined);
    const value = cleaned[field];
    if (rule && typeof value === 'string' && breaksTextRule(rule, value)) fields[field] ??= textRuleMessage(rule, rule.title);
    fields[field] ??= described?.errorMessage ?? `${described?.title ?? field} ${fallback}`;
  };
  for (const field of withNul) {
    const described = properties[field];
    // A field with a text rule names the character in its own words (describe); others say NUL.
    if (textRuleOf(described as TSchema | undefined)) describe(field, '');
    else fields[field] = `The ${described?.title ? described.title.charAt(0).toLowerCase() + described.title.slice(1) : field} contains a NUL character; retype it.`;
  }
  for (const error of errors) {
    const field = error.instancePath.replace(/^\//, '').split('/')[0];
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties;
    if (field) describe(field, error.message);
    else if (missing?.length) for (const name of missing) describe(name, 'is required');
    else fields._ ??= 'Send the fields as an object.';
  }
  // Value.Errors stops after a few errors, and a choice (a union of literals) spends one on each
  // of its branches: check every other given field on its own, so one answer names them all.
  if (errors.length > 0 && cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned))
    for (const [field, described] of Object.entries(properties)) {
      if (fields[field] !== undefined || cleaned[field] === undefined) continue;
      if (!checkerOf(described as TSchema).Check(cleaned[field])) describe(field, 'is not valid');
    }
  return { data: cleaned, fields };
}

export function validate<S extends TSchema>(schema: S, input: unknown, message = 'Check the highlighted fields.'): Static<S> {
  const { data, fields, repeated } = inspect(schema, input);
  if (fields) throw new Invalid(repeated ? Object.values(fields).join(' ') : message, fields);
  return data as Static<S>;
}

/**
 * validate, then `check` (a service's checks that need the database or the clock: a real birth
 * date, a known group, a number nobody has). When the schema refuses some fields, `check` still runs
 * on the fields it let through, so one answer names every problem instead of one round at a time.
 */
export async function validateAndCheck<S extends TSchema, T>(
  schema: S,
  input: unknown,
  check: (data: Partial<Static<S>>) => Promise<T>,
): Promise<{ data: Static<S>; checked: T }> {
  const { data, fields, repeated } = inspect(schema, input);
  if (!fields) return { data: data as Static<S>, checked: await check(data as Static<S>) };
  if (repeated) throw new Invalid(Object.values(fields).join(' '), fields);
  if (fields._) throw new Invalid('Check the highlighted fields.', fields);
  const passed = Object.fromEntries(Object.entries(data).filter(([key]) => !(key in fields)));
  let more: FieldMessages = {};
  try {
    await check(passed as Partial<Static<S>>);
  } catch (error) {
    if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
    more = error.fields;
  }
  throw new Invalid('Check the highlighted fields.', { ...more, ...fields });
}

/** Whether a schema's fields are all plain values, decided once per schema (imports ask per row). */
const flatSchemas = new WeakMap<TSchema, boolean>();

function typesOf(schema: Described | undefined): readonly string[] {
  if (!schema) return [];
  let types = typesKept.get(schema);
  if (!types) typesKept.set(schema, (types = typesOfSchema(schema)));
  return types;
}

const typesKept = new WeakMap<Described, readonly string[]>();

function typesOfSchema(schema: Described): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  // Literal('') (the empty choice of a select) is not free text: "42" beside it may still be a number.
  if (schema.const === '') return ['empty'];
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/**
 * Forms send every value as text. Turn "42" into 42 and "true" into true where the schema wants a
 * number or a boolean, but only when the text says exactly that: "4.5" for a whole number, "" or
 * "0x10" stay text so the rules refuse them instead of silently changing what the user typed.
 */
function convertExactly(properties: Record<string, Described>, input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'string') continue;
    const types = typesOf(properties[key]);
    if (types.includes('string')) continue;
    if (types.includes('integer') && /^-?\d{1,15}$/.test(value)) out[key] = Number(value);
    else if (types.includes('number') && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) out[key] = Number(value);
    else if (types.includes('boolean') && (value === 'true' || value === 'false')) out[key] = value === 'true';
  }
  return out;
}

/** Text in the form its field's rule stores (lib/text-rules.ts), before the rule checks it. */
function normaliseTexts(properties: Record<string, Described>, input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    const rule = typeof value === 'string' && Object.hasOwn(properties, key) ? textRuleOf(properties[key] as TSchema) : undefined;
    if (rule) out[key] = normaliseText(rule, value as string);
  }
  return out;
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
