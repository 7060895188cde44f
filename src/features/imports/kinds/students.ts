// Importing students: matched by student number, then e-mail; the group column names a group, which
// each row resolves to its id.
import * as groups from '../../groups/service.js';
import * as students from '../../students/service.js';
import { studentFields } from '../../students/fields.js';
import { declaredColumns, fullName, type ImportRecord, type KindAdapter, type References } from './adapter.js';

export const studentAdapter: KindAdapter = {
  kind: 'students',
  noun: 'student',
  accounts: true,
  action: 'students.manage',
  ...declaredColumns(studentFields),
  matchKeys: [
    { field: 'studentNumber', caseSensitive: true },
    { field: 'email', caseSensitive: false },
  ],
  check(raw, today) {
    const result = students.checkStudentImportRow(raw, today);
    return 'fields' in result ? result : { record: result.record as ImportRecord, username: result.username };
  },
  referenceFields: ['group'],
  async resolveReferences(ctx, present) {
    // Groups are read only for a file that names them.
    const byName = present.has('group') ? await groups.groupIdsByName(ctx) : new Map<string, { id: number; name: string; archived: boolean }>();
    const names = new Map([...byName.values()].map((g) => [g.id, g.name]));
    const references: References = {
      resolve({ group: text }): ReturnType<References['resolve']> {
        if (text === undefined) return { values: {}, issues: [] };
        if (text === '') return { values: { groupId: null }, issues: [] };
        const group = byName.get(groups.groupNameKey(text));
        if (!group)
          return { values: {}, issues: [{ field: 'groupId', code: 'unknown_group', message: `There is no group named "${text}"; create it on the Groups page first, or correct the name.` }] };
        if (group.archived) return { values: {}, issues: [{ field: 'groupId', code: 'archived_group', message: `The group ${group.name} is archived; choose an active group.` }] };
        return { values: { groupId: group.id }, issues: [] };
      },
      show: (field, value) => (field === 'groupId' ? (names.get(Number(value)) ?? `#${String(value)}`) : undefined),
    };
    return references;
  },
  async find(ctx, keys) {
    const rows = await students.findStudentsForImport(ctx, { studentNumbers: keys.studentNumber ?? [], emails: keys.email ?? [] });
    return rows.map(({ id, archived, ...values }) => ({ id, archived, values: values as ImportRecord }));
  },
  countActive: (ctx) => students.countActiveStudents(ctx),
  async create(ctx, records, naming) {
    // A file without a group column puts new students in no group (createStudentsInBulk stores absent fields empty).
    const created = await students.createStudentsInBulk(ctx, records as unknown as Parameters<typeof students.createStudentsInBulk>[1], naming);
    return created.map((c) => ({ id: c.id, name: c.name, key: c.studentNumber, username: c.username, oneTimePassword: c.oneTimePassword }));
  },
  async update(ctx, updates) {
    await students.updateStudentsInBulk(ctx, updates as unknown as Parameters<typeof students.updateStudentsInBulk>[1]);
  },
  label: (r) => `${fullName(r)} (${String(r.studentNumber ?? '')})`,
  title: 'Students',
  matching: 'A row whose student number or e-mail belongs to an existing student updates that student; any other row adds a new student with a sign-in account.',
  keyHeader: studentFields.studentNumber.label,
};
