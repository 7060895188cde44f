// Importing subjects: a term's subjects and who teaches them, one row per subject, matched by its
// name as the subjects service compares names (capitals, character width and dashes aside). Groups
// are named, lecturers given by e-mail; the optional Teaching column says which lecturer takes which
// group ("CS-101: ivan.horvat@example.edu; MA-101: ana.petrova@example.edu"), where otherwise every
// listed lecturer teaches every listed group. Subjects have no accounts; writes go through the
// subjects service, which checks and audits them as its form does.
import type { ServiceContext } from '../../../context.js';
import { Invalid } from '../../../lib/errors.js';
import { storedValues } from '../../../lib/record-fields.js';
import { uniqueNameKey } from '../../../lib/text-rules.js';
import { validate } from '../../../lib/validation.js';
import * as groups from '../../groups/service.js';
import * as lecturers from '../../lecturers/service.js';
import { subjectFields } from '../../subjects/fields.js';
import { CreateSubjectInput, MAX_SUBJECT_GROUPS } from '../../subjects/schemas.js';
import * as subjects from '../../subjects/service.js';
import type { ExistingRecord, ImportRecord, KindAdapter, References, RowIssue } from './adapter.js';

// ---- the lists as an import compares them ----------------------------------------------------
// Groups, lecturers and teaching are kept in a record as canonical text of ids ("3,7";
// "3:12;7:12" for group:lecturer pairs), so a renamed group or a reordered cell is no change.

interface Pair {
  groupId: number;
  lecturerId: number;
}

function idList(ids: Iterable<number>): string {
  return [...new Set(ids)].sort((a, b) => a - b).join(',');
}

function idsOf(value: ImportRecord[string] | undefined): number[] {
  return typeof value === 'string' && value !== '' ? value.split(',').map(Number) : [];
}

function pairList(pairs: Iterable<Pair>): string {
  const keys = new Set([...pairs].map((p) => `${p.groupId}:${p.lecturerId}`));
  return [...keys]
    .map((k) => k.split(':').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([g, l]) => `${g}:${l}`)
    .join(';');
}

function pairsOf(value: ImportRecord[string] | undefined): Pair[] {
  if (typeof value !== 'string' || value === '') return [];
  return value.split(';').map((p) => {
    const [groupId, lecturerId] = p.split(':').map(Number);
    return { groupId: groupId!, lecturerId: lecturerId! };
  });
}

function everyLecturerEveryGroup(groupIds: readonly number[], lecturerIds: readonly number[]): Pair[] {
  return groupIds.flatMap((groupId) => lecturerIds.map((lecturerId) => ({ groupId, lecturerId })));
}

const byText = (a: string, b: string) => a.localeCompare(b, 'en');

/** How the report shows a list: group names, lecturers as "Horvat Ivan <ivan.horvat@example.edu>", teaching as the column reads. */
function inWords(field: string, value: string, names: { group(id: number): string; lecturer(id: number): string }): string | undefined {
  switch (field) {
    case 'groups':
      return idsOf(value).map(names.group).sort(byText).join(', ');
    case 'lecturers':
      return idsOf(value).map(names.lecturer).sort(byText).join('; ');
    case 'teaching': {
      const byGroup = new Map<string, string[]>();
      for (const p of pairsOf(value)) {
        const group = names.group(p.groupId);
        byGroup.set(group, [...(byGroup.get(group) ?? []), names.lecturer(p.lecturerId)]);
      }
      return [...byGroup]
        .sort(([a], [b]) => byText(a, b))
        .map(([group, who]) => `${group}: ${who.sort(byText).join(', ')}`)
        .join('; ');
    }
    default:
      return undefined;
  }
}

// ---- reading the cells -----------------------------------------------------------------------

/**
 * The group names of a Groups cell, separated by semicolons, commas or line breaks. A part between
 * semicolons that is a group's whole name is kept whole, so a name holding a comma still reads.
 */
function groupNamesIn(text: string, isGroup: (name: string) => boolean): string[] {
  return text
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => (isGroup(part) ? [part] : part.split(',').map((name) => name.trim()).filter(Boolean)));
}

/** The lecturers of a cell, separated by semicolons, commas or line breaks. */
function lecturerTokens(text: string): string[] {
  return text
    .split(/[;,\n]/)
    .map((token) => token.trim())
    .filter(Boolean);
}

/**
 * The e-mail a lecturer token gives: a bare e-mail, or the one in a picker's label ("Horvat Ivan
 * <ivan.horvat@example.edu>"), as the lecturers' e-mails are stored (lower case, plain width).
 */
function emailIn(token: string): string | null {
  const email = (/<([^<>]+)>$/.exec(token)?.[1] ?? token).trim().normalize('NFKC').toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(email) ? email : null;
}

/** The e-mails a file's Lecturers and Teaching cells name: the only lecturers a plan reads. */
function emailsIn(cells: readonly Readonly<Record<string, string>>[]): string[] {
  const emails = new Set<string>();
  for (const c of cells) {
    for (const token of lecturerTokens(c.lecturers ?? '')) emails.add(emailIn(token) ?? '');
    for (const entry of (c.teaching ?? '').split(/[;\n]/)) for (const token of lecturerTokens(entry.slice(entry.lastIndexOf(':') + 1))) emails.add(emailIn(token) ?? '');
  }
  emails.delete('');
  return [...emails];
}

// ---- reading the subjects --------------------------------------------------------------------

/** Lecturers' labels are read this many ids a statement. */
const PAGE = 500;

async function lecturerLabels(ctx: ServiceContext, ids: readonly number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids)];
  const labels = new Map<number, string>();
  for (let i = 0; i < wanted.length; i += PAGE) for (const c of await lecturers.lecturerChoicesById(ctx, wanted.slice(i, i + PAGE))) labels.set(c.id, c.label);
  return labels;
}

function existing(subject: subjects.SubjectView, labels: ReadonlyMap<number, string>): ExistingRecord {
  const values = {
    name: subject.name,
    description: subject.description,
    groups: idList(subject.groups.map((g) => g.id)),
    lecturers: idList(subject.lecturers.map((l) => l.id)),
    teaching: pairList(subject.teaching),
  };
  const names = { group: (id: number) => subject.groups.find((g) => g.id === id)?.name ?? `#${id}`, lecturer: (id: number) => labels.get(id) ?? `#${id}` };
  const shown = Object.fromEntries((['groups', 'lecturers', 'teaching'] as const).map((field) => [field, inWords(field, values[field], names) ?? '']));
  return { id: subject.id, archived: subject.archived, values, shown };
}

// ---- the adapter -----------------------------------------------------------------------------

const labels: Record<string, string> = {
  name: subjectFields.name.label,
  description: subjectFields.description.label,
  groups: 'Groups',
  lecturers: 'Lecturers',
  teaching: 'Teaching',
};

const EXAMPLE_TEACHING = 'CS-101: ivan.horvat@example.edu; CS-102: ana.petrova@example.edu';

export const subjectAdapter: KindAdapter = {
  kind: 'subjects',
  noun: 'subject',
  accounts: false,
  action: 'subjects.manage',
  columns: [
    { field: 'name', aliases: ['subject', 'subject name'], required: true },
    { field: 'description', aliases: ['about', 'summary'] },
    { field: 'groups', aliases: ['group', 'group names', 'classes'], required: true },
    { field: 'lecturers', aliases: ['lecturer', 'lecturer emails', 'teachers'], required: true },
    { field: 'teaching', aliases: ['teaching assignments', 'assignments', 'who teaches'] },
  ],
  fields: ['name', 'description', 'groups', 'lecturers', 'teaching'],
  matchKeys: [{ field: 'name', caseSensitive: false, fold: uniqueNameKey }],
  columnOf: (field) => field,
  columnLabel: (field) => labels[field] ?? field,
  check(raw) {
    try {
      const checked = validate(CreateSubjectInput, raw);
      return { record: storedValues(subjectFields, checked) as ImportRecord, username: null };
    } catch (error) {
      if (error instanceof Invalid) return { fields: error.fields };
      throw error;
    }
  },
  referenceFields: ['groups', 'lecturers', 'teaching'],
  async resolveReferences(ctx, _present, cells) {
    const byName = await groups.groupIdsByName(ctx);
    const groupName = new Map([...byName.values()].map((g) => [g.id, g.name]));
    const emails = emailsIn(cells);
    const found = (emails.length ? await lecturers.findLecturersForImport(ctx, { emails }) : []).map((l) => {
      const values = l as Record<string, unknown>;
      return { id: l.id, archived: l.archived, email: String(values.email ?? ''), lastName: String(values.lastName ?? ''), firstName: String(values.firstName ?? '') };
    });
    const byEmail = new Map(found.flatMap((l) => (l.email ? [[l.email, l] as const] : [])));
    const label = new Map(found.map((l) => [l.id, lecturers.lecturerChoiceLabel(l)]));
    const names = { group: (id: number) => groupName.get(id) ?? `#${id}`, lecturer: (id: number) => label.get(id) ?? `#${id}` };
    const references: References = {
      resolve(row) {
        const issues: RowIssue[] = [];
        const problem = (field: string, code: RowIssue['code'], message: string) => {
          if (!issues.some((i) => i.field === field && i.message === message)) issues.push({ field, code, message });
        };
        // Each cell's names, by key: the id, or null for a name already reported.
        const rowGroups = new Map<string, number | null>();
        for (const text of groupNamesIn(row.groups ?? '', (name) => byName.has(groups.groupNameKey(name)))) {
          const key = groups.groupNameKey(text);
          if (rowGroups.has(key)) continue;
          const group = byName.get(key);
          rowGroups.set(key, group && !group.archived ? group.id : null);
          if (!group) problem('groups', 'unknown_group', `There is no group named "${text}"; create it on the Groups page first, or correct the name.`);
          else if (group.archived) problem('groups', 'archived_group', `The group ${group.name} is archived; take it out of the row, or restore the group first.`);
        }
        if (rowGroups.size > MAX_SUBJECT_GROUPS) problem('groups', 'invalid', `Give at most ${MAX_SUBJECT_GROUPS} groups (this cell names ${rowGroups.size}).`);
        const rowLecturers = new Map<string, number | null>();
        for (const token of lecturerTokens(row.lecturers ?? '')) {
          const email = emailIn(token);
          if (!email) {
            problem('lecturers', 'invalid', `"${token}" is not an e-mail; write each lecturer as their e-mail, separated by semicolons, e.g. ivan.horvat@example.edu; ana.petrova@example.edu.`);
            continue;
          }
          if (rowLecturers.has(email)) continue;
          const lecturer = byEmail.get(email);
          rowLecturers.set(email, lecturer && !lecturer.archived ? lecturer.id : null);
          if (!lecturer) problem('lecturers', 'unknown_lecturer', `No lecturer has the e-mail ${email}; add the lecturer on the Lecturers page (or import lecturers) first, or correct the e-mail.`);
          else if (lecturer.archived) problem('lecturers', 'archived_lecturer', `${label.get(lecturer.id)} is archived; take them out of the row, or restore them on the Lecturers page first.`);
        }
        if (rowLecturers.size > MAX_SUBJECT_GROUPS) problem('lecturers', 'invalid', `Give at most ${MAX_SUBJECT_GROUPS} lecturers (this cell names ${rowLecturers.size}).`);
        if (rowLecturers.size > 0 && rowGroups.size === 0)
          problem('lecturers', 'invalid', 'Lecturers teach a subject to its groups: fill in the Groups cell, or leave Lecturers empty.');
        const groupIds = [...rowGroups.values()].filter((id): id is number => id !== null);
        const lecturerIds = [...rowLecturers.values()].filter((id): id is number => id !== null);
        const values: ImportRecord = { groups: idList(groupIds), lecturers: idList(lecturerIds) };
        if (row.teaching === undefined) return { values, issues };
        if (row.teaching.trim() === '') return { values: { ...values, teaching: pairList(everyLecturerEveryGroup(groupIds, lecturerIds)) }, issues };

        const pairs: Pair[] = [];
        for (const entry of row.teaching
          .split(/[;\n]/)
          .map((e) => e.trim())
          .filter(Boolean)) {
          const colon = entry.lastIndexOf(':');
          const groupText = colon < 0 ? '' : entry.slice(0, colon).trim();
          const tokens = lecturerTokens(colon < 0 ? '' : entry.slice(colon + 1));
          if (!groupText || tokens.length === 0) {
            problem('teaching', 'invalid', `Write each assignment as a group, a colon and its lecturers' e-mails, e.g. ${EXAMPLE_TEACHING.split(';')[0]}; "${entry}" is not one.`);
            continue;
          }
          const key = groups.groupNameKey(groupText);
          let groupId = rowGroups.get(key);
          if (groupId === undefined) {
            const group = byName.get(key);
            if (group) problem('teaching', 'invalid', `The Teaching cell gives the group ${group.name}, which is not in the Groups cell; add it there, or correct the assignment.`);
            else problem('teaching', 'unknown_group', `There is no group named "${groupText}" (in the Teaching cell); correct the name.`);
            groupId = null;
          }
          for (const token of tokens) {
            const email = emailIn(token);
            if (!email) {
              problem('teaching', 'invalid', `"${token}" is not an e-mail; write the lecturers in the Teaching cell by e-mail, e.g. ${EXAMPLE_TEACHING.split(';')[0]}.`);
              continue;
            }
            let lecturerId = rowLecturers.get(email);
            if (lecturerId === undefined) {
              if (byEmail.has(email)) problem('teaching', 'invalid', `The Teaching cell gives ${email}, who is not in the Lecturers cell; add them there, or correct the assignment.`);
              else problem('teaching', 'unknown_lecturer', `No lecturer has the e-mail ${email} (in the Teaching cell); add the lecturer on the Lecturers page first, or correct the e-mail.`);
              lecturerId = null;
            }
            if (groupId !== null && lecturerId !== null) pairs.push({ groupId, lecturerId });
          }
        }
        // A subject's lecturers are those who teach it a group: one listed with none would be dropped unseen.
        if (issues.length === 0)
          for (const [email, id] of rowLecturers)
            if (id !== null && !pairs.some((p) => p.lecturerId === id))
              problem('teaching', 'invalid', `${email} is in the Lecturers cell but teaches no group in the Teaching cell; give them a group (e.g. ${names.group(groupIds[0]!)}: ${email}), or take them out of Lecturers.`);
        return { values: { ...values, teaching: pairList(pairs) }, issues };
      },
      show: (field, value) => inWords(field, String(value), names),
    };
    return references;
  },
  async find(ctx, keys) {
    const wanted = new Set((keys.name ?? []).map(uniqueNameKey));
    if (wanted.size === 0) return [];
    // By the unique key's index: only the subjects the file names are read.
    const found = await subjects.findSubjectsForImport(ctx, [...wanted]);
    const labels = await lecturerLabels(
      ctx,
      found.flatMap((s) => s.lecturers.map((l) => l.id)),
    );
    return found.map((s) => existing(s, labels));
  },
  countActive: (ctx) => subjects.countActiveSubjects(ctx),
  async create(ctx, records) {
    for (const r of records) {
      const groupIds = idsOf(r.groups);
      const lecturerIds = idsOf(r.lecturers);
      const subject = await subjects.createSubject(ctx, { name: r.name, description: r.description ?? undefined, groupIds, lecturerIds });
      // createSubject gives every lecturer every group; a Teaching column may give fewer pairs.
      if (r.teaching !== undefined && r.teaching !== pairList(everyLecturerEveryGroup(groupIds, lecturerIds)))
        await subjects.setSubjectTeaching(ctx, subject.id, { groupIds, teaching: pairsOf(r.teaching) });
    }
    return [];
  },
  async update(ctx, updates) {
    for (const { id, changes, record } of updates) {
      const described = Object.fromEntries(Object.entries(changes).filter(([field]) => field === 'name' || field === 'description'));
      const listsChange = 'groups' in changes || 'lecturers' in changes || 'teaching' in changes;
      const groupIds = idsOf(record.groups);
      if (record.teaching === undefined) {
        // No Teaching column: the lists apply as on the subject's form (teachingFor keeps finer assignments).
        await subjects.updateSubject(ctx, id, { ...described, ...(listsChange ? { groupIds, lecturerIds: idsOf(record.lecturers) } : {}) });
        continue;
      }
      if (Object.keys(described).length > 0) await subjects.updateSubject(ctx, id, described);
      if (listsChange) await subjects.setSubjectTeaching(ctx, id, { groupIds, teaching: pairsOf(record.teaching) });
    }
  },
  label: (r) => String(r.name ?? ''),
  title: 'Subjects',
  matching:
    'A row whose name is an existing subject’s (capitals, character width and dashes do not matter) updates that subject; any other row adds a new subject. Subjects have no sign-in accounts.',
  keyHeader: subjectFields.name.label,
  example: {
    name: 'Databases',
    description: 'Relational design and SQL. **Lab:** Tuesdays.',
    groups: 'CS-101; CS-102',
    lecturers: 'ivan.horvat@example.edu; ana.petrova@example.edu',
    teaching: EXAMPLE_TEACHING,
  },
  notes: {
    name: 'Required; 1–200 characters, e.g. Databases. An existing subject with this name is updated (capitals, character width and dashes do not matter); a new name adds a subject.',
    description: 'Optional; Markdown (**bold**, _italic_, lists, links), up to 20,000 characters. HTML is shown as text.',
    groups: 'The names of existing, active groups that take the subject, separated by semicolons or commas, e.g. CS-101; CS-102. Empty: no groups.',
    lecturers: 'The e-mails of the lecturers who teach it, separated by semicolons, e.g. ivan.horvat@example.edu; ana.petrova@example.edu. Each must be an active lecturer. Needs at least one group.',
    teaching:
      'Optional; who teaches which group, as GROUP: e-mail, separated by semicolons, e.g. CS-101: ivan.horvat@example.edu; CS-102: ana.petrova@example.edu (several lecturers for one group: CS-101: ivan.horvat@example.edu, ana.petrova@example.edu). Only the groups and lecturers of the row, and each lecturer at least one group. Empty: every lecturer teaches every group. Leave the column out to keep the assignments each subject has, as the subject’s form does.',
  },
};
