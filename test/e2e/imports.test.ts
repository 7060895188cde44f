// End to end in a real browser: the admin imports students on the Import page. The template
// downloads as an xlsx with the import's headers; a workbook with an error gets a dry-run report
// (counts, the error by row, column and reason) and changes nothing; the corrected file (CSV this
// time) is confirmed, the new students and the changed field show in the list, and the credentials
// sheet downloads once. Every page must log no console error and no CSP violation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { assertNoProblems, newContext, screenshots, signedInDemoPage, takeExpectedProblems, watchProblems } from './chromium.js';

const admin = demoLogins.find((l) => l.role === 'admin')!;

/** The headers the students template and the students list export share (E-mail is an alias of Email). */
const TEMPLATE_HEADERS = ['Student number', 'Last name', 'First name', 'Patronymic', 'Birth date', 'E-mail', 'Phone', 'Address', 'Group', 'Username'];

type Row = Record<string, string | Date>;

/** A cell as text, the way the sheet shows it (dates as YYYY-MM-DD). */
function text(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  if (typeof value === 'object' && 'result' in value) return String(value.result ?? '');
  return String(value);
}

/** The sheets of an xlsx: name -> header row and data rows, by header. */
async function readWorkbook(bytes: Buffer): Promise<Map<string, { headers: string[]; rows: Record<string, string>[] }>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets = new Map<string, { headers: string[]; rows: Record<string, string>[] }>();
  for (const sheet of workbook.worksheets) {
    const headers: string[] = [];
    sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = text(cell.value)));
    const rows: Record<string, string>[] = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      if (!row.hasValues) continue;
      rows.push(Object.fromEntries(headers.map((h, i) => [h, text(row.getCell(i + 1).value)])));
    }
    sheets.set(sheet.name, { headers, rows });
  }
  return sheets;
}

async function xlsxFile(headers: string[], rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Students');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** CSV as Excel's "CSV UTF-8" writes it in much of Europe: a BOM, semicolons, quotes where needed. */
function csvFile(headers: string[], rows: Row[]): Buffer {
  const cell = (value: string | Date) => {
    const s = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [headers, ...rows.map((row) => headers.map((h) => row[h] ?? ''))].map((cells) => cells.map(cell).join(';'));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function downloadBytes(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

/** Uploads a file for a dry run on the Import page and waits for its report; returns the import's id. */
async function dryRun(page: Page, baseUrl: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<number> {
  await page.goto(`${baseUrl}/admin/imports`);
  assert.equal(await page.getByLabel('Students').isChecked(), true, 'students are the default kind');
  await page.getByLabel('Spreadsheet (.xlsx or .csv)').setInputFiles(file);
  const [posted] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST'),
    page.waitForURL(/\/admin\/imports\/\d+$/),
    page.getByRole('button', { name: 'Check the file' }).click(),
  ]);
  await page.waitForLoadState('load');
  // The CSRF token went in the form's body: no address (bar, history, access log) carries it.
  assert.equal(posted.url(), `${baseUrl}/admin/imports`, 'the upload posts to the bare address');
  assert.doesNotMatch(page.url(), /_csrf/, `the report's address: ${page.url()}`);
  await page.getByRole('heading', { name: 'Import students: dry run' }).waitFor({ state: 'visible' });
  return Number(new URL(page.url()).pathname.split('/').pop());
}

async function counts(page: Page) {
  const value = async (id: string) => Number((await page.getByTestId(`count-${id}`).innerText()).replace(/,/g, ''));
  return { create: await value('create'), update: await value('update'), unchanged: await value('unchanged'), errors: await value('errors') };
}

/** The students list, searched as a person would; the rows' text. */
async function listRows(page: Page, baseUrl: string, q: string): Promise<string[]> {
  await page.goto(`${baseUrl}/students`);
  await page.getByLabel('Search').fill(q);
  await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === q), page.getByRole('button', { name: 'Apply' }).click()]);
  return page.locator('[data-testid="student-row"]').allInnerTexts();
}

test('imports: template, a dry run with an error, a corrected file confirmed, credentials once', async (t: TestContext) => {
  const started = await signedInDemoPage(t, admin);
  if (!started) return;
  const { baseUrl, browser, page, problems } = started;

  // Two demo students as the list exports them: the file updates one and repeats the other as is.
  const exported = await page.request.get(`${baseUrl}/students/export.xlsx`);
  assert.equal(exported.status(), 200);
  const demo = (await readWorkbook(await exported.body())).get('Students')!;
  const exportHeaders = demo.headers;
  assert.deepEqual(exportHeaders, ['Student number', 'Last name', 'First name', 'Patronymic', 'Birth date', 'E-mail', 'Phone', 'Address', 'Group']);
  const byNumber = (n: string) => demo.rows.find((r) => r['Student number'] === n)!;
  const updated: Row = { ...byNumber('20260005'), Phone: '+385 99 765 4321' };
  const unchanged = byNumber('20260006');
  const oldPhone = byNumber('20260005').Phone!.replace(/^'/, '');
  assert.ok(updated['E-mail'] === 'student5@students.fms.example' && oldPhone !== updated.Phone);

  const newRows: Row[] = [
    // A real date cell in the workbook; text YYYY-MM-DD elsewhere.
    { 'Student number': '2026-9001', 'Last name': 'Šimić', 'First name': 'Ivana', 'Birth date': new Date(Date.UTC(2005, 0, 12)), 'E-mail': 'ivana.simic@students.fms.example', Phone: '+385 91 100 0001', Address: 'Vukovarska 5, Zagreb', Group: 'CS-101' },
    { 'Student number': '2026-9002', 'Last name': 'Ljubić', 'First name': 'Mateo', Patronymic: 'Petrovič', 'Birth date': '2004-07-30', 'E-mail': 'mateo.ljubic@students.fms.example', Phone: '', Address: '', Group: 'cs-201' },
    { 'Student number': '2026-9003', 'Last name': 'Grgić', 'First name': 'Nika', 'Birth date': '2005-09-01', 'E-mail': '', Phone: '01 234 567', Address: 'Savska 10; Zagreb', Group: 'MA-101' },
  ];
  const badRow: Row = { 'Student number': '2026-9004', 'Last name': 'Perić', 'First name': 'Ema', 'Birth date': '31.02.2001', 'E-mail': 'ema.peric@students.fms.example', Group: 'CS-101' };
  const fixedRow: Row = { ...badRow, 'Birth date': '2001-02-28' };

  await t.test('the admin opens Import from the navigation and downloads the students template', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await Promise.all([page.waitForURL(`${baseUrl}/admin/imports`), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import', exact: true }).click()]);
    await page.getByRole('heading', { name: 'Import students, lecturers and subjects' }).waitFor({ state: 'visible' });
    await page.getByText('No imports yet.').waitFor({ state: 'visible' });
    await shot(page, 'import-start.png');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Students template (.xlsx)' }).click()]);
    assert.equal(download.suggestedFilename(), 'fms-students-template.xlsx');
    const bytes = await downloadBytes(download);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip');
    const sheets = await readWorkbook(bytes);
    assert.deepEqual([...sheets.keys()], ['Students', 'Notes']);
    assert.deepEqual(sheets.get('Students')!.headers, TEMPLATE_HEADERS);
    assert.equal(sheets.get('Students')!.rows.length, 1, 'one example row to replace');
    const notes = sheets.get('Notes')!;
    assert.deepEqual(notes.headers, ['Column', 'Required', 'Also accepted as', 'What to write']);
    for (const header of TEMPLATE_HEADERS) assert.ok(notes.rows.some((r) => r.Column === header), `the notes explain ${header}`);
    // The browser shows the template's own headers too.
    const direct = await page.request.get(`${baseUrl}/admin/imports/template/students`);
    assert.equal(direct.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(direct.headers()['x-content-type-options'], 'nosniff');
    assertNoProblems(problems, '/admin/imports and the template download');
  });

  await t.test('a workbook with an error: the dry run reports counts and the error, and writes nothing', async () => {
    const headers = exportHeaders;
    const file = await xlsxFile(headers, [newRows[0]!, newRows[1]!, badRow, updated, unchanged, newRows[2]!]);
    const id = await dryRun(page, baseUrl, { name: 'students-2026.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    assert.match(await page.locator('body').innerText(), /students-2026\.xlsx · XLSX · 6 data rows/);

    assert.deepEqual(await counts(page), { create: 3, update: 1, unchanged: 1, errors: 1 });
    const errors = page.getByTestId('errors');
    await errors.waitFor({ state: 'visible' });
    const cells = await errors.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => (row as unknown as { innerText: string }).innerText.split('\t').map((c) => c.trim())),
    );
    assert.equal(cells.length, 1, `one error: ${JSON.stringify(cells)}`);
    const [row, column, reason] = cells[0]!;
    assert.equal(row, '4', 'the error names the row as the spreadsheet numbers it (header = 1)');
    assert.equal(column, 'Birth date', 'and the column as the file names it');
    assert.match(reason ?? '', /date/i);
    assert.match(reason ?? '', /YYYY-MM-DD/, 'and says what to write instead');
    await page.getByText('Nothing is imported while the file has errors.').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('confirm').count(), 0, 'no confirm button while the file has errors');
    await shot(page, 'import-report-errors.png');
    assertNoProblems(problems, `/admin/imports/${id} (errors)`);

    // Nothing was written: neither the new students nor the changed phone.
    assert.deepEqual(await listRows(page, baseUrl, '2026-900'), []);
    await page.getByText('No student matches this filter.').waitFor({ state: 'visible' });
    const demoRow = await listRows(page, baseUrl, '20260005');
    assert.equal(demoRow.length, 1);
    assert.match(demoRow[0]!, new RegExp(oldPhone.replace(/\+/g, '\\+')), 'the phone is as before');
    assertNoProblems(problems, '/students after the dry run');
  });

  let importId = 0;
  await t.test('the corrected file as CSV: the report, Confirm, and the result page', async () => {
    const file = csvFile(exportHeaders, [newRows[0]!, newRows[1]!, fixedRow, updated, unchanged, newRows[2]!]);
    importId = await dryRun(page, baseUrl, { name: 'students-2026-fixed.csv', mimeType: 'text/csv', buffer: file });
    assert.deepEqual(await counts(page), { create: 4, update: 1, unchanged: 1, errors: 0 });
    assert.equal(await page.getByTestId('errors').count(), 0);

    // The change, field by field.
    const change = page.getByTestId('update');
    assert.equal(await change.count(), 1);
    await change.locator('summary').click();
    const diff = await change.innerText();
    assert.match(diff, /Row 5 · Sara Marić \(20260005\) · 1 change/);
    assert.match(diff, /Phone/);
    assert.ok(diff.includes(oldPhone) && diff.includes('+385 99 765 4321'), `before and after in the diff:\n${diff}`);
    const creates = page.locator('details', { hasText: 'New students (4), each with a sign-in account' });
    await creates.locator('summary').click();
    assert.match(await creates.innerText(), /Row 2 · Ivana Šimić \(2026-9001\)/);
    const confirm = page.getByTestId('confirm');
    assert.equal(await confirm.innerText(), 'Import: create 4, update 1');
    await shot(page, 'import-report.png');
    assertNoProblems(problems, `/admin/imports/${importId} (clean dry run)`);

    await Promise.all([page.waitForURL(`${baseUrl}/admin/imports/${importId}`), confirm.click()]);
    await page.waitForLoadState('load');
    await page.getByRole('heading', { name: 'Imported students' }).waitFor({ state: 'visible' });
    await page.getByTestId('applied').filter({ hasText: '4 students created, 1 updated' }).waitFor({ state: 'visible' });
    await page.locator('.alert', { hasText: 'Download the credentials sheet now: it is given out only once.' }).waitFor({ state: 'visible' });
    assert.match(await page.getByTestId('applied').innerText(), /4 students created, 1 updated, 1 unchanged/);
    assert.deepEqual(await counts(page), { create: 4, update: 1, unchanged: 1, errors: 0 });
    assert.equal(await page.getByTestId('confirm').count(), 0, 'an applied import cannot be confirmed again');
    await shot(page, 'import-done.png');
    assertNoProblems(problems, `/admin/imports/${importId} (applied)`);
  });

  let firstCredential: Record<string, string> | undefined;
  await t.test('the credentials sheet downloads once; a second attempt is refused', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('credentials').click()]);
    assert.equal(download.suggestedFilename(), `fms-students-credentials-import-${importId}.xlsx`);
    const sheets = await readWorkbook(await downloadBytes(download));
    const accounts = sheets.get('Accounts')!;
    assert.deepEqual(accounts.headers, ['Name', 'Student number', 'Username', 'One-time password', 'Row in the import']);
    assert.deepEqual(
      accounts.rows.map((r) => r['Student number']).sort(),
      ['2026-9001', '2026-9002', '2026-9003', '2026-9004'],
    );
    for (const r of accounts.rows) assert.ok(r.Username && (r['One-time password'] ?? '').length >= 12, `a username and password for ${r.Name}`);
    firstCredential = accounts.rows.find((r) => r['Student number'] === '2026-9001');
    assert.equal(firstCredential?.Name, 'Ivana Šimić');

    // The same button again (the page still shows it): the sheet is given out once.
    const [again] = await Promise.all([page.waitForResponse(`${baseUrl}/admin/imports/${importId}/credentials`), page.getByTestId('credentials').click()]);
    assert.equal(again.status(), 410, 'the sheet is given out once');
    assert.doesNotMatch(await again.text(), /One-time password/);
    const refused = takeExpectedProblems(problems, [/\b410\b/]);
    assert.ok(refused.length > 0, 'the refusal was the 410 this step expects');

    await page.goto(`${baseUrl}/admin/imports/${importId}`);
    await page.getByText('The credentials sheet was downloaded.').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('credentials').count(), 0, 'the download button is gone');
    assertNoProblems(problems, 'the credentials download');
  });

  await t.test('the new students are in the list and the updated field changed', async () => {
    const rows = await listRows(page, baseUrl, '2026-900');
    assert.equal(rows.length, 4);
    assert.ok(rows.some((r) => /Šimić, Ivana/.test(r) && /CS-101/.test(r)));
    assert.ok(rows.some((r) => /Ljubić, Mateo Petrovič/.test(r) && /CS-201/.test(r)), 'the group name matched regardless of case');
    assert.ok(rows.some((r) => /Perić, Ema/.test(r)));
    assert.deepEqual(await listRows(page, baseUrl, 'simic'), rows.filter((r) => /Šimić/.test(r)), 'found by an accent-free spelling');
    const demoRow = await listRows(page, baseUrl, '20260005');
    assert.match(demoRow[0]!, /\+385 99 765 4321/);

    // The record of the date-cell row: the date arrived as the date it was.
    assert.equal((await listRows(page, baseUrl, '2026-9001')).length, 1);
    await Promise.all([page.waitForURL(/\/students\/\d+$/), page.getByRole('link', { name: 'Šimić, Ivana' }).click()]);
    await page.waitForLoadState('load');
    await page.getByRole('heading', { name: 'Ivana Šimić', exact: true }).waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('birth-date').innerText(), '2005-01-12');
    assert.equal(await page.getByTestId('address').innerText(), 'Vukovarska 5, Zagreb');
    assertNoProblems(problems, '/students after the import');
  });

  await t.test('an imported student signs in with the password from the sheet and must choose their own', async () => {
    assert.ok(firstCredential, 'the sheet had the row');
    const other = await newContext(browser);
    try {
      const student = await other.newPage();
      const seen = watchProblems(student);
      await student.goto(`${baseUrl}/login`);
      await student.getByLabel('Username').fill(firstCredential.Username!);
      await student.getByLabel('Password').fill(firstCredential['One-time password']!);
      await Promise.all([student.waitForURL(`${baseUrl}/account/password`), student.getByRole('button', { name: 'Sign in' }).click()]);
      await student.locator('.alert', { hasText: 'You signed in with a one-time password' }).waitFor({ state: 'visible' });
      assertNoProblems(seen, 'the imported student signing in');
    } finally {
      await other.close();
    }
  });
});
