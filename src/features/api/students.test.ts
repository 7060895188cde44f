// /api/v1/students: admins manage every student; lecturers see the students of the groups they
// teach without private contact data; a student sees their own record only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createStudent, smallDepartment } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { assertError, callApi } from './testing.js';

const privateFields = ['birthDate', 'phone', 'address'];

for (const database of await testDatabases()) {
  describe(`API students on ${database}`, () => {
    test('an admin creates a student with an account, reads, changes, archives and restores them', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups } = await smallDepartment(ctx);
      const input = {
        studentNumber: '2026-0042',
        firstName: 'Ana',
        lastName: 'Šarić',
        patronymic: 'Petrova',
        birthDate: '2006-02-28',
        email: 'Ana.Saric@Example.org',
        phone: '+359 88 765 4321',
        address: 'Main Street 1, Sofia',
        groupId: groups.other.id,
      };
      const created = await callApi(app, tokens.admin, 'POST', '/api/v1/students', input);
      assert.equal(created.statusCode, 201, created.body);
      const body = created.json();
      assert.equal(created.headers.location, `/api/v1/students/${body.id}`);
      assert.deepEqual(
        { ...body, id: 0, createdAt: '', updatedAt: '', account: { ...body.account, oneTimePassword: '' } },
        {
          ...input,
          id: 0,
          email: 'ana.saric@example.org',
          groupName: 'MA-201',
          hasPhoto: false,
          archived: false,
          createdAt: '',
          updatedAt: '',
          account: { username: 'a.saric', oneTimePassword: '' },
        },
        'camelCase fields, birthDate as YYYY-MM-DD, the new account',
      );
      assert.ok(body.account.oneTimePassword.length >= 10, 'a one-time password is handed out once');
      const { account: _account, ...record } = body;

      const read = await callApi(app, tokens.admin, 'GET', `/api/v1/students/${body.id}`);
      assert.deepEqual(read.json(), record, 'GET answers the record without the account');
      assert.ok(!read.body.includes(body.account.oneTimePassword), 'the password is never shown again');

      const changed = await callApi(app, tokens.admin, 'PATCH', `/api/v1/students/${body.id}`, { phone: null, address: '', groupId: groups.taught.id, lastName: 'Saric' });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(
        { phone: changed.json().phone, address: changed.json().address, groupId: changed.json().groupId, groupName: changed.json().groupName, lastName: changed.json().lastName, email: changed.json().email },
        { phone: null, address: null, groupId: groups.taught.id, groupName: 'CS-101', lastName: 'Saric', email: 'ana.saric@example.org' },
      );

      const archived = await callApi(app, tokens.admin, 'POST', `/api/v1/students/${body.id}/archive`);
      assert.equal(archived.json().archived, true);
      const list = (await callApi(app, tokens.admin, 'GET', '/api/v1/students')).json();
      assert.ok(!list.items.some((s: { id: number }) => s.id === body.id), 'archived students leave the list');
      assert.ok((await callApi(app, tokens.admin, 'GET', '/api/v1/students?archived=true')).json().items.some((s: { id: number }) => s.id === body.id));
      assert.equal((await callApi(app, tokens.admin, 'POST', `/api/v1/students/${body.id}/restore`)).json().archived, false);
      assert.equal((await callApi(app, tokens.admin, 'DELETE', `/api/v1/students/${body.id}`)).json().archived, true, 'DELETE archives');
    });

    test('422 names the fields to fix, 409 the one already taken; nothing is written on failure', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, student, outsider, groups } = await smallDepartment(ctx);
      const bad = await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: '', firstName: 'A', lastName: '', birthDate: '01.02.2005', email: 'not-an-email' });
      assertError(bad, 422, 'invalid');
      assert.deepEqual(Object.keys(bad.json().error.fields).sort(), ['birthDate', 'email', 'lastName', 'studentNumber']);
      // No field is highlighted in JSON: the message names them, in the order of their messages.
      assert.equal(bad.json().error.message, `Check the fields ${Object.keys(bad.json().error.fields).slice(0, -1).join(', ')} and ${Object.keys(bad.json().error.fields).at(-1)}.`);
      assert.doesNotMatch(bad.body, /highlighted/);
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: 'X1', firstName: 'A', lastName: 'B', birthDate: '2005-02-30' }), 422, 'invalid', 'birthDate');
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: 'X1', firstName: 'A', lastName: 'B', groupId: 999999 }), 422, 'invalid', 'groupId');
      const sameNumber = await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: student.studentNumber, firstName: 'A', lastName: 'B' });
      assertError(sameNumber, 409, 'conflict', 'studentNumber');
      assert.equal(sameNumber.json().error.message, 'Another student has the same student number.');
      const sameEmail = await callApi(app, tokens.admin, 'PATCH', `/api/v1/students/${outsider.id}`, { email: 'SARA@example.org' });
      assertError(sameEmail, 409, 'conflict', 'email');
      assert.equal(sameEmail.json().error.message, 'Another student has the same e-mail.');
      assertError(await callApi(app, tokens.admin, 'PATCH', `/api/v1/students/${outsider.id}`, { groupId: 'MA-201' }), 422, 'invalid', 'groupId');
      // A field the call does not take is named, not dropped with a 200 for a change that never happened.
      const renamed = await callApi(app, tokens.admin, 'PATCH', `/api/v1/students/${outsider.id}`, { username: 'new.name', phone: '+1 555' });
      assertError(renamed, 422, 'invalid', 'username');
      assert.deepEqual(Object.keys(renamed.json().error.fields), ['username']);
      assertError(await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: 'X2', firstName: 'A', lastName: 'B', nickname: 'x' }), 422, 'invalid', 'nickname');
      // An unknown field does not hide what is wrong with the others: one answer names them all.
      const everything = await callApi(app, tokens.admin, 'POST', '/api/v1/students', { studentNumber: 'X3', firstName: '', lastName: 'B', birthDate: 'soon', nickname: 'x' });
      assertError(everything, 422, 'invalid', 'nickname');
      assert.deepEqual(Object.keys(everything.json().error.fields).sort(), ['birthDate', 'firstName', 'nickname']);
      assert.equal(await ctx.db.selectFrom('students').select('id').where('studentNumber', '=', 'X3').executeTakeFirst(), undefined);
      // Bodies are JSON: a form-encoded one is refused as the document says.
      const form = await app.inject({
        method: 'POST',
        url: '/api/v1/students',
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'studentNumber=X3&firstName=A&lastName=B',
      });
      assertError(form, 415, 'fst_err_ctp_invalid_media_type');
      const anonymous = await app.inject({ method: 'POST', url: '/api/v1/students', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'studentNumber=X4' });
      assertError(anonymous, 401, 'unauthenticated');
      const all = (await callApi(app, tokens.admin, 'GET', '/api/v1/students?limit=500')).json().items;
      assert.deepEqual(
        all.map((s: { id: number; email: string | null; groupId: number }) => [s.id, s.email, s.groupId]),
        [
          [outsider.id, null, groups.other.id],
          [student.id, 'sara@example.org', groups.taught.id],
        ],
        'no student was added or changed',
      );
    });

    test('lecturers see the students of the groups they teach, without private contact data', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, student, outsider, groups } = await smallDepartment(ctx);

      const list = await callApi(app, tokens.lecturer, 'GET', '/api/v1/students');
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list.json().items.map((s: { id: number }) => s.id),
        [student.id],
      );
      const item = list.json().items[0];
      for (const field of privateFields) assert.ok(!(field in item), `no ${field} in the list`);
      assert.equal(item.email, 'sara@example.org', 'the e-mail is what teaching needs');
      assert.ok(!list.body.includes('Student Street') && !list.body.includes('2005-04-01') && !list.body.includes('+359 88'));

      const one = await callApi(app, tokens.lecturer, 'GET', `/api/v1/students/${student.id}`);
      assert.equal(one.statusCode, 200);
      for (const field of privateFields) assert.ok(!(field in one.json()), `no ${field} in the record`);
      assert.deepEqual(
        (await callApi(app, tokens.lecturer, 'GET', `/api/v1/students?group=${groups.taught.id}`)).json().items.map((s: { id: number }) => s.id),
        [student.id],
      );
      assert.deepEqual((await callApi(app, tokens.lecturer, 'GET', `/api/v1/students?group=${groups.other.id}`)).json().items, [], 'a group they do not teach shows nobody');
      assert.deepEqual((await callApi(app, tokens.lecturer, 'GET', '/api/v1/students?q=ivanov')).json().items, [], 'search stays inside the scope');

      assertError(await callApi(app, tokens.lecturer, 'GET', `/api/v1/students/${outsider.id}`), 404, 'not_found');
      assertError(await callApi(app, tokens.lecturer, 'PATCH', `/api/v1/students/${student.id}`, { firstName: 'Changed' }), 403, 'forbidden');
      assertError(await callApi(app, tokens.lecturer, 'POST', `/api/v1/students/${student.id}/archive`), 403, 'forbidden');
      assertError(await callApi(app, tokens.lecturer, 'POST', '/api/v1/students', { studentNumber: 'L1', firstName: 'A', lastName: 'B' }), 403, 'forbidden');
    });

    test('a student sees their own full record only', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, student, outsider } = await smallDepartment(ctx);

      const list = (await callApi(app, tokens.student, 'GET', '/api/v1/students?limit=500')).json();
      assert.deepEqual(
        list.items.map((s: { id: number }) => s.id),
        [student.id],
      );
      const own = (await callApi(app, tokens.student, 'GET', `/api/v1/students/${student.id}`)).json();
      assert.deepEqual({ birthDate: own.birthDate, phone: own.phone, address: own.address }, { birthDate: '2005-04-01', phone: '+359 88 123', address: 'Student Street 5' });
      assertError(await callApi(app, tokens.student, 'GET', `/api/v1/students/${outsider.id}`), 404, 'not_found');
      assertError(await callApi(app, tokens.student, 'PATCH', `/api/v1/students/${student.id}`, { address: 'Elsewhere' }), 403, 'forbidden');
      assertError(await callApi(app, tokens.student, 'DELETE', `/api/v1/students/${student.id}`), 403, 'forbidden');
      assertError(await callApi(app, tokens.student, 'GET', '/api/v1/lecturers/1'), 404, 'not_found');
      assertError(await callApi(app, null, 'GET', `/api/v1/students/${student.id}`), 401, 'unauthenticated');
    });

    test('cursors walk every student once in each order, with equal names and across filters', async (t) => {
      const { app, ctx } = await buildTestApp(t, { database });
      const { tokens, groups } = await smallDepartment(ctx);
      // Equal names: only the id breaks the tie. Numbers out of creation order.
      const numbers = ['2026-0107', '2026-0101', '2026-0105', '2026-0103', '2026-0102', '2026-0106', '2026-0104', '2026-0108'];
      for (const [i, studentNumber] of numbers.entries()) {
        const same = i < 5;
        await createStudent(ctx, { studentNumber, firstName: same ? 'Maria' : `Name${i}`, lastName: same ? 'Ivanova' : `Zed${i}`, groupId: i % 2 ? groups.taught.id : groups.other.id });
      }
      for (const sort of ['name', '-name', 'number', '-number', 'created', '-created']) {
        const all = (await callApi(app, tokens.admin, 'GET', `/api/v1/students?sort=${sort}&limit=500`)).json();
        assert.equal(all.items.length, 10);
        for (const limit of [1, 3, 4]) {
          const seen: number[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await callApi(app, tokens.admin, 'GET', `/api/v1/students?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
            assert.equal(page.statusCode, 200, page.body);
            seen.push(...page.json().items.map((s: { id: number }) => s.id));
            cursor = page.json().nextCursor;
            assert.ok(++pages <= 20);
          } while (cursor);
          assert.deepEqual(
            seen,
            all.items.map((s: { id: number }) => s.id),
            `sort ${sort}, limit ${limit}: no duplicates, no gaps`,
          );
        }
        if (sort === 'number') assert.deepEqual(all.items.map((s: { studentNumber: string }) => s.studentNumber), [...all.items.map((s: { studentNumber: string }) => s.studentNumber)].sort());
      }

      // A filtered walk as a lecturer: only the taught group, every page.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await callApi(app, tokens.lecturer, 'GET', `/api/v1/students?q=ivanova&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.json().items.map((s: { groupName: string }) => s.groupName));
        cursor = page.json().nextCursor;
      } while (cursor);
      assert.deepEqual(seen, ['CS-101', 'CS-101'], 'the two Maria Ivanovas of the taught group');

      const nameCursor = (await callApi(app, tokens.admin, 'GET', '/api/v1/students?limit=1')).json().nextCursor;
      assertError(await callApi(app, tokens.admin, 'GET', `/api/v1/students?sort=number&cursor=${nameCursor}`), 422, 'invalid', 'cursor');
      assertError(await callApi(app, tokens.admin, 'GET', '/api/v1/students?cursor=%7B%7D'), 422, 'invalid', 'cursor');
      assertError(await callApi(app, tokens.admin, 'GET', '/api/v1/students?sort=age'), 422, 'invalid', 'sort');
      assertError(await callApi(app, tokens.admin, 'GET', '/api/v1/students?group=first'), 422, 'invalid', 'group');
      assertError(await callApi(app, tokens.admin, 'GET', '/api/v1/students?limit=0'), 422, 'invalid', 'limit');
    });
  });
}
