// One declaration per record field. Each kind of record (group, student, lecturer, account) lists
// its fields once, in display order, in its feature's fields.ts: the label people read, the rule
// its input must meet, how it is stored, who may see it, where it sits on the form and the record
// page, its import column and its export column. The forms, the record pages, the imports and
// their templates, the exports, the audit history and the OpenAPI document are derived from that
// list, so a plain new field is a migration and one entry (docs/adding-a-feature.md).
import Type, { type TOptional, type TSchema } from 'typebox';
import { optionalText, requiredText } from './person-fields.js';

/** A value as the database stores it and the audit trail and imports compare it. */
export type StoredValue = string | number | boolean | Date | null;

/**
 * How checked input becomes the stored value:
 * - `text`: required text, trimmed and NFC;
 * - `text-or-empty`: optional text stored as '' when empty (names, degrees);
 * - `text-or-null`: optional text stored as null when empty;
 * - `email`: like text-or-null, in lower case (e-mails are matched without case);
 * - `flag`: true or false;
 * - `reference`: the id of another record, or null (the kind's service checks it exists);
 * - `as-checked`: multi-line text kept as the rule normalised it (a description's own layout), '' when absent;
 * - `instant`: a date and time given with its offset, stored as that instant (a Date), null when absent;
 * - `integer`: a whole number (a score), null when absent.
 */
export type Storage = 'text' | 'text-or-empty' | 'text-or-null' | 'email' | 'flag' | 'reference' | 'as-checked' | 'instant' | 'integer';

/**
 * A field's control. A select's and radio buttons' choices are its page's to draw (DeclaredFields
 * draws neither); a datetime-local is typed in the department's zone, which its page names.
 */
export type FormControl = 'text' | 'email' | 'tel' | 'date' | 'datetime-local' | 'textarea' | 'select' | 'radio' | 'checkbox';

export interface RecordField {
  /** The field's name wherever people read it: form, record page, export and template header, audit history. */
  label: string;
  /** The rule input must meet (forms, API, imports, CLI), with the message that names the fix. */
  input: TSchema;
  /** A new record must have it (the create schema requires it; the edit schema never does). */
  required?: boolean;
  stored: Storage;
  /** The field as the API answers it (the OpenAPI document). */
  output: TSchema;
  /**
   * Who sees it: `teaching`, everyone who may see the record; `private`, only those who manage the
   * record and the person themself (a lecturer sees what teaching needs: no birth date, phone or
   * address of a student).
   */
  visibility: 'teaching' | 'private';
  /** Its place on the form and the record page; null: not on the form (set elsewhere). */
  form: FormPlace | null;
  /** Its import column; absent: not imported. */
  import?: ImportColumn;
  /** Its export column; absent: not exported. */
  export?: ExportColumn;
  /** Kept in the audit trail's before/after snapshots (default true). */
  audited?: boolean;
}

export interface FormPlace {
  /** The card it sits in, e.g. "person", "contact", "studies"; the kind's pages name the cards. */
  section: string;
  control: FormControl;
  maxlength?: number;
  help?: string;
  /** The label on the form when it differs, e.g. "Username (optional)". */
  formLabel?: string;
  /** Only on the new-record form (e.g. the username of the account made with it). */
  newOnly?: boolean;
  /** A text field offers the page's suggestions for it (a datalist, e.g. the degrees in use). */
  suggestions?: boolean;
  /** A textarea's height in lines (default 2). */
  rows?: number;
}

export interface ImportColumn {
  /** The column's field name when it is not the field's, e.g. "group" (a name) for groupId (an id). */
  column?: string;
  /** Other headers a sheet may use for it, lower case. */
  aliases: readonly string[];
  /** The column must be in the file (its cells may still be checked as optional by the rule). */
  required?: boolean;
  /** What to write in it, for the template's notes sheet and docs/imports.md. */
  note: string;
  /** The template's example row. */
  example: string;
  /** Written to new records only, never compared or changed (e.g. username). */
  newOnly?: boolean;
}

export interface ExportColumn {
  width: number;
  /** The key of the exported row when it is not the field's, e.g. "group" (the name) for groupId. */
  key?: string;
}

export type RecordFields = Readonly<Record<string, RecordField>>;

/** The TypeScript type of a stored value, by its storage. */
export type StoredType<S> = S extends 'text' | 'text-or-empty' | 'as-checked'
  ? string
  : S extends 'flag'
    ? boolean
    : S extends 'reference' | 'integer'
      ? number | null
      : S extends 'instant'
        ? Date | null
        : string | null;
type IsNewOnly<F> = F extends { form: { newOnly: true } } ? true : F extends { import: { newOnly: true } } ? true : false;
/** The names of the fields stored on the record (not the newOnly ones such as the username). */
export type StoredFieldName<F> = { [K in keyof F]: IsNewOnly<F[K]> extends true ? never : K }[keyof F] & string;
/** A record's declared fields as stored. */
export type StoredRecord<F> = { [K in StoredFieldName<F>]: F[K] extends { stored: infer S } ? StoredType<S> : never };
/** A new record's values: the required fields, and any others (absent ones are stored empty by newRecordValues). */
export type NewRecord<F> = Partial<StoredRecord<F>> & { [K in StoredFieldName<F> as F[K] extends { required: true } ? K : never]: StoredRecord<F>[K] };
/** A record's declared fields as an actor sees it: the private ones may be absent (teaching detail). */
export type VisibleRecord<F> = { [K in StoredFieldName<F> as F[K] extends { visibility: 'private' } ? never : K]: F[K] extends { stored: infer S } ? StoredType<S> : never } & {
  [K in StoredFieldName<F> as F[K] extends { visibility: 'private' } ? K : never]?: F[K] extends { stored: infer S } ? StoredType<S> : never;
};

/** Declares a kind's fields, keeping the names and the order (display order). */
export function recordFields<const F extends Record<string, RecordField>>(fields: F): F {
  return fields;
}

type Entry = [string, RecordField];
const entries = (fields: RecordFields): Entry[] => Object.entries(fields);

// ---- input ------------------------------------------------------------------------------------

type InputOf<F> = F extends { input: infer S extends TSchema } ? S : never;
/** The create schema's properties, typed: required fields as they are, the others optional. */
export type CreateProperties<F> = { [K in keyof F]: F[K] extends { required: true } ? InputOf<F[K]> : TOptional<InputOf<F[K]>> };
/** The edit schema's properties, typed: all optional. */
export type ChangeProperties<F> = { [K in keyof F]: TOptional<InputOf<F[K]>> };
type OutputOf<F> = F extends { output: infer S extends TSchema } ? S : never;
/** The output properties, typed: private fields optional (absent for teaching detail). */
export type OutputProperties<F> = { [K in keyof F]: F[K] extends { visibility: 'private' } ? TOptional<OutputOf<F[K]>> : OutputOf<F[K]> };

/** The create schema's properties: required fields as they are, the others optional. */
export function createProperties<F extends RecordFields>(fields: F): CreateProperties<F> {
  return Object.fromEntries(entries(fields).map(([name, f]) => [name, f.required ? f.input : Type.Optional(f.input)])) as CreateProperties<F>;
}

/** The edit schema's properties: every field optional (a change names only what changes). */
export function changeProperties<F extends RecordFields>(fields: F): ChangeProperties<F> {
  return Object.fromEntries(entries(fields).map(([name, f]) => [name, Type.Optional(f.input)])) as ChangeProperties<F>;
}

/** A checked input value as it is stored. */
export function storedValue(field: RecordField, value: unknown): StoredValue {
  switch (field.stored) {
    case 'text':
      return requiredText(String(value ?? ''));
    case 'text-or-empty':
      return optionalText(value as string | null) ?? '';
    case 'text-or-null':
      return optionalText(value as string | null);
    case 'email':
      return optionalText(value as string | null)?.toLowerCase() ?? null;
    case 'flag':
      return value === true;
    case 'reference':
    case 'integer':
      return value === '' || value === null || value === undefined ? null : Number(value);
    case 'as-checked':
      return typeof value === 'string' ? value : '';
    case 'instant':
      return typeof value === 'string' && value !== '' ? new Date(value) : value instanceof Date ? value : null;
  }
}

/** The stored values of the fields present in checked input (the others are left out). */
export function storedValues(fields: RecordFields, data: Record<string, unknown>, only?: readonly string[]): Record<string, StoredValue> {
  const out: Record<string, StoredValue> = {};
  for (const [name, f] of entries(fields)) {
    if (only && !only.includes(name)) continue;
    if (data[name] !== undefined) out[name] = storedValue(f, data[name]);
  }
  return out;
}

/** The stored value of an absent optional field on a new record. */
export function emptyValue(field: RecordField): StoredValue {
  return field.stored === 'text-or-empty' || field.stored === 'as-checked' ? '' : field.stored === 'flag' ? false : null;
}

// ---- what is kept and shown -------------------------------------------------------------------

/** The names of the fields stored on the record (not newOnly form fields such as the username). */
// Declarations are constants: their stored names are worked out once, not for every row of a list.
const storedNames = new WeakMap<RecordFields, string[]>();

export function storedFieldNames(fields: RecordFields): string[] {
  let names = storedNames.get(fields);
  if (!names) {
    names = entries(fields)
      .filter(([, f]) => !f.form?.newOnly && !f.import?.newOnly)
      .map(([name]) => name);
    storedNames.set(fields, names);
  }
  return names;
}

/** The declared stored fields of a database row (or any record holding them), in declaration order. */
export function storedOf<F extends RecordFields>(fields: F, row: object): StoredRecord<F> {
  const values = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of storedFieldNames(fields)) out[name] = values[name] ?? null;
  return out as StoredRecord<F>;
}

/** A new record's stored fields: the checked values given, the others empty as their storage says. */
export function newRecordValues<F extends RecordFields>(fields: F, values: Readonly<Record<string, unknown>>): StoredRecord<F> {
  return Object.fromEntries(storedFieldNames(fields).map((name) => [name, values[name] ?? emptyValue(fields[name]!)])) as StoredRecord<F>;
}

/** The table's columns of the declared stored fields, for a query's select list: "students.studentNumber", … */
export function storedColumns<F extends RecordFields, T extends string>(fields: F, table: T): `${T}.${StoredFieldName<F>}`[] {
  return storedFieldNames(fields).map((name) => `${table}.${name}` as `${T}.${StoredFieldName<F>}`);
}

/** The audit snapshot of a record: the audited fields, in declaration order. */
export function auditSnapshot(fields: RecordFields, record: object): Record<string, StoredValue> {
  const values = record as Record<string, unknown>;
  const out: Record<string, StoredValue> = {};
  for (const name of storedFieldNames(fields)) if (fields[name]!.audited !== false) out[name] = (values[name] ?? null) as StoredValue;
  return out;
}

/** The names of the stored fields an actor with teaching detail only may not see. */
export function privateFieldNames(fields: RecordFields): string[] {
  return storedFieldNames(fields).filter((name) => fields[name]!.visibility === 'private');
}

/** The private fields named in a sentence: "Birth date, phone and address". */
export function privateFieldsText(fields: RecordFields): string {
  const labels = privateFieldNames(fields).map((name, i) => (i === 0 ? fields[name]!.label : fields[name]!.label.toLowerCase()));
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : (labels[0] ?? '');
}

/** The record without the private fields, for an actor who sees teaching detail only. */
export function withoutPrivateFields<T extends object>(fields: RecordFields, record: T): T {
  const hidden = new Set(privateFieldNames(fields));
  return Object.fromEntries(Object.entries(record).filter(([k]) => !hidden.has(k))) as T;
}

/** Field name -> label. */
export function labelsOf(fields: RecordFields): Record<string, string> {
  return Object.fromEntries(entries(fields).map(([name, f]) => [name, f.label]));
}

/** Field name -> label for the audit history, which shows stored values: a reference says it is an id ("Group (id)"). */
export function auditLabelsOf(fields: RecordFields): Record<string, string> {
  return Object.fromEntries(entries(fields).map(([name, f]) => [name, f.stored === 'reference' ? `${f.label} (id)` : f.label]));
}

/**
 * The API output properties of the stored fields (pass the kind's fields without its newOnly ones);
 * private ones are optional (absent for teaching detail).
 */
export function outputProperties<F extends RecordFields>(fields: F): OutputProperties<F> {
  return Object.fromEntries(storedFieldNames(fields).map((name) => [name, fields[name]!.visibility === 'private' ? Type.Optional(fields[name]!.output) : fields[name]!.output])) as OutputProperties<F>;
}

// ---- forms -------------------------------------------------------------------------------------

export interface FormFieldOf {
  name: string;
  field: RecordField;
  place: FormPlace;
}

/** The fields of one card of the form, in order; the edit form leaves out the newOnly ones. */
export function formSection(fields: RecordFields, section: string, isNew: boolean): FormFieldOf[] {
  return entries(fields)
    .filter(([, f]) => f.form?.section === section && (isNew || !f.form.newOnly))
    .map(([name, f]) => ({ name, field: f, place: f.form! }));
}

/** The form's values as text, from a posted body: every form field, '' when absent. */
export function formValuesFromBody(fields: RecordFields, body: unknown, isNew: boolean): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, f] of entries(fields)) {
    if (!f.form || (!isNew && f.form.newOnly)) continue;
    if (f.form.control === 'checkbox') {
      // A ticked box sends "true" (or "on" without a value); the last one counts if sent twice.
      const sent = Array.isArray(b[name]) ? (b[name] as unknown[]).at(-1) : b[name];
      out[name] = sent === 'true' || sent === 'on' ? 'true' : '';
    } else out[name] = typeof b[name] === 'string' ? b[name] : '';
  }
  return out;
}

/** The edit form's values as text, from the record. */
export function formValuesOfRecord(fields: RecordFields, record: object): Record<string, string> {
  const values = record as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, f] of entries(fields)) {
    if (!f.form || f.form.newOnly) continue;
    const value = values[name];
    out[name] = value === null || value === undefined || value === false ? '' : value === true ? 'true' : String(value);
  }
  return out;
}

/**
 * What the service receives from a form's text values: an empty choice means none, a checkbox is
 * on or off. Text stays text: the service's rule checks it.
 */
export function inputFromForm(fields: RecordFields, values: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const f = fields[name];
    if (f?.form?.control === 'checkbox') out[name] = value === 'true';
    else if (f?.stored === 'reference') out[name] = value === '' || value === undefined ? null : value;
    else out[name] = value;
  }
  return out;
}

// ---- imports and exports -----------------------------------------------------------------------

/** A column an import reads: its field name in the file, the headers it goes by, whether required. */
export interface ImportColumnSpec {
  field: string;
  aliases: readonly string[];
  required: boolean;
}

/** The import's columns, in the template's order; the label (the template's header) is always an alias. */
export function importColumns(fields: RecordFields): ImportColumnSpec[] {
  return entries(fields)
    .filter(([, f]) => f.import)
    .map(([name, f]) => ({ field: f.import!.column ?? name, aliases: [...new Set([f.label.toLowerCase(), ...f.import!.aliases])], required: f.import!.required ?? false }));
}

/** The record fields an import compares and may change on an existing record, in order. */
export function importComparedFields(fields: RecordFields): string[] {
  return entries(fields)
    .filter(([, f]) => f.import && !f.import.newOnly)
    .map(([name]) => name);
}

/** The import column a record field comes from (groupId comes from the group column). */
export function importColumnOf(fields: RecordFields, field: string): string {
  return fields[field]?.import?.column ?? field;
}

/** Import column -> label, note and example: the template's header row, notes sheet and example row. */
export function importTemplate(fields: RecordFields): { labels: Record<string, string>; notes: Record<string, string>; example: Record<string, string> } {
  const labels: Record<string, string> = {};
  const notes: Record<string, string> = {};
  const example: Record<string, string> = {};
  for (const [name, f] of entries(fields)) {
    if (!f.import) continue;
    const column = f.import.column ?? name;
    labels[column] = f.label;
    notes[column] = f.import.note;
    example[column] = f.import.example;
  }
  return { labels, notes, example };
}

export interface ExportColumnSpec {
  header: string;
  key: string;
  width: number;
}

/** The export's columns, in order; without the private ones for an actor with teaching detail. */
export function exportColumns(fields: RecordFields, options: { includePrivate: boolean }): ExportColumnSpec[] {
  return entries(fields)
    .filter(([, f]) => f.export && (options.includePrivate || f.visibility !== 'private'))
    .map(([name, f]) => ({ header: f.label, key: f.export!.key ?? name, width: f.export!.width }));
}

/** A record's exported cells by column key: flags as yes/no; a column with its own key is the caller's. */
export function exportValues(fields: RecordFields, record: object): Record<string, string | number | boolean | Date | null> {
  const values = record as Record<string, unknown>;
  const out: Record<string, string | number | boolean | Date | null> = {};
  for (const [name, f] of entries(fields)) {
    if (!f.export || f.export.key) continue;
    const value = values[name];
    out[name] = f.stored === 'flag' ? (value ? 'yes' : 'no') : ((value ?? null) as string | number | null);
  }
  return out;
}
