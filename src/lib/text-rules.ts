// The rules for text people type into records, in one place: which characters a single-line field
// (a name, a group, an e-mail) and a multi-line field (a description, an address) refuse, how text is
// normalised before it is checked and stored, and the key unique names are compared by. A schema
// built with singleLineText / multiLineText carries its rule under `x-text` (an OpenAPI extension
// keyword, so the API document stays valid); lib/validation.ts applies it, so the forms, the JSON
// API, the imports and the CLI normalise and refuse the same text with the same message. A new
// record kind gets the rule by declaring its fields with these builders.
import Type, { type TSchema, type TString, type TStringOptions } from 'typebox';

/**
 * What no text field takes: controls (C0, DEL and C1: NUL, BEL, tab, line feed, carriage return,
 * NEL …), format characters (zero-width space and joiners, soft hyphen, BOM, the bidi embeddings,
 * overrides, isolates and marks, the Arabic letter mark, tag characters), every other
 * default-ignorable code point (Hangul fillers, variation selectors, the combining grapheme joiner),
 * the line and paragraph separators, lone surrogates and noncharacters. They are invisible, or
 * reorder what is around them: "CS-101" followed by a zero-width space looks like "CS-101", and
 * U+202E followed by "nimda" is displayed as "admin".
 */
const REFUSED = '\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}\\p{Noncharacter_Code_Point}';

/** A JSON Schema pattern (ECMA-262 with the u flag, as TypeBox and ajv compile it). */
export const SINGLE_LINE_PATTERN = `^[^${REFUSED}]*$`;
/** Multi-line text also takes line feeds and tabs; a carriage return has become a line feed by then. */
export const MULTI_LINE_PATTERN = `^(?:[\\t\\n]|[^${REFUSED}])*$`;

const singleLine = new RegExp(SINGLE_LINE_PATTERN, 'u');
const multiLine = new RegExp(MULTI_LINE_PATTERN, 'u');

/**
 * How a field's text is normalised before it is checked and stored. NFC for what people read as
 * they typed it (names, descriptions): only the encoding of accents is unified, so "é" typed as
 * one character or as "e" and an accent is stored the same. NFKC for fields limited to ASCII
 * (e-mail, phone, student number, username, dates): fullwidth letters and digits an input method
 * may produce ("２０２６") become the plain ones their rule asks for.
 */
export type TextForm = 'NFC' | 'NFKC';

export interface TextRule {
  lines: 'single' | 'multi';
  form: TextForm;
}

export const TEXT_RULE_KEYWORD = 'x-text';

type TextOptions = TStringOptions & { title: string; errorMessage?: string; form?: TextForm };

function text(lines: TextRule['lines'], options: TextOptions): TString {
  const { form = 'NFC', ...rest } = options;
  const rule: TextRule = { lines, form };
  // A field with a pattern of its own (phone, e-mail) keeps it: those patterns allow no control,
  // invisible or bidi character either (text-rules.test.ts checks each), and the rule still gives
  // the message that names the invisible character.
  return Type.String({ pattern: lines === 'single' ? SINGLE_LINE_PATTERN : MULTI_LINE_PATTERN, ...rest, [TEXT_RULE_KEYWORD]: rule });
}

/** A one-line text field (a name, a degree, a group name): no controls, invisible or bidi characters. */
export function singleLineText(options: TextOptions): TString {
  return text('single', options);
}

/** A text area (a description, an address): line breaks and tabs, nothing else invisible. */
export function multiLineText(options: TextOptions): TString {
  return text('multi', options);
}

interface Described {
  [TEXT_RULE_KEYWORD]?: TextRule;
  title?: string;
  anyOf?: Described[];
}

/**
 * The text rule a schema (or a branch of its union, as for optional fields) declares, with the
 * title its messages name the field by (the union's own, else the branch's).
 */
export function textRuleOf(schema: TSchema | undefined): Readonly<TextRule & { title?: string }> | undefined {
  const s = schema as Described | undefined;
  if (!s) return undefined;
  // Asked for every field of every row an import checks: a schema's answer never changes.
  if (rulesOf.has(s)) return rulesOf.get(s) ?? undefined;
  const own = s[TEXT_RULE_KEYWORD];
  const branch = own ? undefined : s.anyOf?.map((b) => textRuleOf(b as TSchema)).find(Boolean);
  const rule = own ? { ...own, title: s.title } : branch ? { ...branch, title: s.title ?? branch.title } : undefined;
  rulesOf.set(s, rule ? Object.freeze(rule) : null);
  return rule;
}

const rulesOf = new WeakMap<object, Readonly<TextRule & { title?: string }> | null>();

/** The text as the rule stores it: Unicode-normalised, line breaks as line feeds in multi-line text. */
export function normaliseText(rule: TextRule, value: string): string {
  const lines = rule.lines === 'multi' ? value.replace(/\r\n?/g, '\n') : value;
  return lines.normalize(rule.form);
}

/** Whether the (normalised) text holds a character its rule refuses. */
export function breaksTextRule(rule: TextRule, value: string): boolean {
  return !(rule.lines === 'single' ? singleLine : multiLine).test(value);
}

/** What to tell the person, naming the field by its title: "The first name contains …; retype it." */
export function textRuleMessage(rule: TextRule, title: string | undefined): string {
  const field = title ? `the ${title.charAt(0).toLowerCase()}${title.slice(1)}` : 'this field';
  const what = rule.lines === 'single' ? 'an invisible or control character (such as a line break, a tab or a zero-width space)' : 'an invisible or control character (line breaks and tabs are fine)';
  return `${field.charAt(0).toUpperCase()}${field.slice(1)} contains ${what}; retype it.`;
}

const dashes = /[\u2010-\u2015\u2212\uFE58\uFE63]/gu;
const invisible = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * The key unique names (group names) are compared by, so names that look the same are the same:
 * NFKC (fullwidth "ＣＳ-１０１" and other compatibility forms as their plain letters, NFD and NFC
 * alike), runs of white space as one space, invisible and control characters dropped (old rows may
 * hold them), every hyphen and dash as "-", and case folded ("ß" as "ss"). The name itself is
 * stored as typed (NFC); only this key is compared, and indexed where the database must keep it unique.
 */
export function uniqueNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .replace(invisible, '')
    .replace(dashes, '-')
    .trim()
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC');
}
