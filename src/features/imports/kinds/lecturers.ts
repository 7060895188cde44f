// Importing lecturers: matched by e-mail; the Admin column may not take away the importing admin's
// own rights.
import * as lecturers from '../../lecturers/service.js';
import { lecturerFields } from '../../lecturers/fields.js';
import { declaredColumns, fullName, type ImportRecord, type KindAdapter } from './adapter.js';

export const lecturerAdapter: KindAdapter = {
  kind: 'lecturers',
  noun: 'lecturer',
  accounts: true,
  action: 'lecturers.manage',
  ...declaredColumns(lecturerFields),
  matchKeys: [{ field: 'email', caseSensitive: false }],
  check(raw) {
    const result = lecturers.checkLecturerImportRow(raw);
    return 'fields' in result ? result : { record: result.record as unknown as ImportRecord, username: result.username };
  },
  async find(ctx, keys) {
    const rows = await lecturers.findLecturersForImport(ctx, { emails: keys.email ?? [] });
    return rows.map(({ id, archived, ...values }) => ({ id, archived, values: values as ImportRecord }));
  },
  guardChange(ctx, target, changes) {
    if (changes.isAdmin === false && ctx.actor?.lecturerId === target.id)
      return { field: 'isAdmin', code: 'not_allowed', message: 'This row would remove your own admin rights; write yes in its Admin cell, or leave your row out.' };
    return null;
  },
  countActive: (ctx) => lecturers.countActiveLecturers(ctx),
  async create(ctx, records, naming) {
    const created = await lecturers.createLecturersInBulk(ctx, records as unknown as Parameters<typeof lecturers.createLecturersInBulk>[1], naming);
    return created.map((c) => ({ id: c.id, name: c.name, key: c.email, username: c.username, oneTimePassword: c.oneTimePassword }));
  },
  async update(ctx, updates) {
    await lecturers.updateLecturersInBulk(ctx, updates as unknown as Parameters<typeof lecturers.updateLecturersInBulk>[1]);
  },
  label: (r) => `${fullName(r)} (${String(r.email ?? '')})`,
  title: 'Lecturers',
  matching: 'A row whose e-mail belongs to an existing lecturer updates that lecturer; any other row adds a new lecturer with a sign-in account.',
  keyHeader: lecturerFields.email.label,
};
