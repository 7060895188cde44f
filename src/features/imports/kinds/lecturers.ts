// Importing lecturers: matched by e-mail; the Admin column may not take away the importing admin's
// own rights.
import * as lecturers from '../../lecturers/service.js';
import { fullName, type ImportRecord, type KindAdapter } from './adapter.js';

export const lecturerAdapter: KindAdapter = {
  kind: 'lecturers',
  noun: 'lecturer',
  action: 'lecturers.manage',
  columns: lecturers.lecturerImportColumns,
  fields: lecturers.lecturerImportFields,
  matchKeys: [{ field: 'email', caseSensitive: false }],
  columnOf: (field) => field,
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
  async create(ctx, records, reserved) {
    const created = await lecturers.createLecturersInBulk(ctx, records as unknown as Parameters<typeof lecturers.createLecturersInBulk>[1], { reservedUsernames: reserved });
    return created.map((c) => ({ id: c.id, name: c.name, key: c.email, username: c.username, oneTimePassword: c.oneTimePassword }));
  },
  async update(ctx, updates) {
    await lecturers.updateLecturersInBulk(ctx, updates as unknown as Parameters<typeof lecturers.updateLecturersInBulk>[1]);
  },
  label: (r) => `${fullName(r)} (${String(r.email ?? '')})`,
  title: 'Lecturers',
  matching: 'A row whose e-mail belongs to an existing lecturer updates that lecturer; any other row adds a new lecturer with a sign-in account.',
  keyHeader: 'Email',
  example: {
    lastName: 'Horvat',
    firstName: 'Ivan',
    patronymic: '',
    email: 'ivan.horvat@example.edu',
    academicDegree: 'PhD',
    position: 'Associate Professor',
    phone: '+385 1 234 5679',
    address: '',
    isAdmin: 'no',
    username: '',
  },
  notes: {
    lastName: 'Up to 100 characters.',
    firstName: 'Up to 100 characters.',
    patronymic: 'Optional; up to 100 characters.',
    email: 'Required; name@example.org. An existing lecturer with this e-mail is updated.',
    academicDegree: 'Optional; up to 100 characters, e.g. PhD.',
    position: 'Optional; up to 100 characters, e.g. Associate Professor.',
    phone: 'Optional; digits, spaces and + ( ) - / . only.',
    address: 'Optional; up to 500 characters.',
    isAdmin: 'Optional; yes or no (also true/false, 1/0, y/n, x). Empty: no.',
    username: 'Optional, new lecturers only; 3–64 letters, digits, . _ -. Empty: generated from the name (i.horvat).',
  },
};
