// End to end in a real browser: the admin adds a student with a photo through the Students pages,
// finds them again in the list (by number, and by an accent-free spelling of their name), sees a
// refused form keep what was typed, and the new student signs in with the one-time password, is
// made to choose their own, and finds their record and photo under "My record". Every page must
// log no console error and no CSP violation. Screenshots land in test-results/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { demoLogins } from '../../src/seeds/demo-logins.js';
import { waitFor } from '../wait-for.js';
import { assertNoProblems, loadedImageSize, newContext, screenshots, signIn, startDemoInChromium, takeExpectedProblems, watchProblems } from './chromium.js';

const admin = demoLogins.find((l) => l.role === 'admin')!;

/** The student the admin adds; the surname's Đ and đ do not decompose, so "durdevic" must still find it. */
const newStudent = {
  firstName: 'Željka',
  lastName: 'Đurđević',
  patronymic: 'Ivanovna',
  studentNumber: '2026-E2E-01',
  birthDate: '2004-03-15',
  group: 'CS-201',
  email: 'zeljka.durdevic@students.fms.example',
  phone: '+385 91 234 5678',
  address: 'Ulica Šime Ljubića 7, 21000 Split',
};

/** A real camera-sized JPEG (800×600, a colour gradient) carrying EXIF that the upload must strip. */
async function photoJpeg(): Promise<Buffer> {
  const width = 800;
  const height = 600;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((x / width) * 255);
      pixels[i + 1] = Math.round((y / height) * 200) + 30;
      pixels[i + 2] = 160;
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Copyright: 'private camera data', Artist: 'e2e test' } })
    .toBuffer();
}

/** How many files the storage folder holds (photos and thumbnails land there). */
function storedFiles(folder: string): number {
  if (!existsSync(folder)) return 0;
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

/** Clicks a main-navigation entry and waits for its page. */
async function openFromNav(page: Page, baseUrl: string, label: string, path: string): Promise<void> {
  await Promise.all([page.waitForURL(`${baseUrl}${path}`), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click()]);
  await page.waitForLoadState('load');
}

/** Searches the students list through its filter form; returns the rows shown. */
async function searchStudents(page: Page, q: string) {
  await page.getByLabel('Search').fill(q);
  await Promise.all([page.waitForURL((url) => url.pathname === '/students' && url.searchParams.get('q') === q), page.getByRole('button', { name: 'Apply' }).click()]);
  await page.waitForLoadState('load');
  return page.locator('[data-testid="student-row"]');
}

test('students: the admin adds a student with a photo, who then signs in and sees their record', async (t: TestContext) => {
  const started = await startDemoInChromium(t);
  if (!started) return;
  const { baseUrl, browser, uploads } = started;
  const jpeg = await photoJpeg();
  assert.ok((await sharp(jpeg).metadata()).exif, 'the test photo carries EXIF for the upload to strip');

  const adminContext: BrowserContext = await newContext(browser);
  t.after(() => adminContext.close());
  const page = await adminContext.newPage();
  const problems = watchProblems(page);
  let created: { id: number; username: string; password: string } | null = null;

  await t.test('the admin opens Students from the navigation and the New student form', async () => {
    await signIn(page, baseUrl, admin.username, admin.password);
    await openFromNav(page, baseUrl, 'Students', '/students');
    assert.equal(await page.title(), 'Students · FMS');
    assert.match(await page.getByTestId('list-summary').innerText(), /of 30 students/, 'the demo department has 30 students');
    // The list's thumbnails are placeholders with initials: no demo student has a photo.
    await shot(page, 'students-list.png');
    assertNoProblems(problems, '/students');

    await Promise.all([page.waitForURL(`${baseUrl}/students/new`), page.getByRole('link', { name: 'New student' }).click()]);
    await page.getByRole('heading', { name: 'New student' }).waitFor({ state: 'visible' });
    assertNoProblems(problems, '/students/new');
  });

  await t.test('the admin fills the form, attaches a photo and creates the student', async () => {
    await page.getByLabel('Last name').fill(newStudent.lastName);
    await page.getByLabel('First name').fill(newStudent.firstName);
    await page.getByLabel('Patronymic').fill(newStudent.patronymic);
    const birthDate = page.getByLabel('Birth date');
    assert.equal(await birthDate.getAttribute('type'), 'date', 'the birth date is a date input');
    await birthDate.fill(newStudent.birthDate);
    await page.getByLabel('Student number').fill(newStudent.studentNumber);
    // The group is a type-ahead: what is typed asks the server for the groups that match (htmx
    // replaces the suggestions), and the name is completed as picking a suggestion does.
    await page.getByLabel('Group').fill('cs-2');
    const options = page.locator('#field-groupId-suggestions option');
    let offered: string[] = [];
    await waitFor(
      'the groups matching "cs-2"',
      async () => {
        offered = await options.evaluateAll((all) => all.map((o) => (o as unknown as { value: string }).value));
        return offered.includes(newStudent.group) && offered.every((name) => name.toLowerCase().includes('cs-2'));
      },
      { seen: () => offered.join() },
    );
    await page.getByLabel('Group').fill(newStudent.group);
    await page.getByLabel('E-mail').fill(newStudent.email);
    await page.getByLabel('Phone').fill(newStudent.phone);
    await page.getByLabel('Address').fill(newStudent.address);
    await page.locator('#field-photo').setInputFiles({ name: 'zeljka.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    assert.equal(await birthDate.inputValue(), newStudent.birthDate);
    await shot(page, 'student-new-form.png');

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/students'),
      page.getByRole('button', { name: 'Create student and account' }).click(),
    ]);
    assert.equal(response.status(), 201);
    assert.equal(response.headers()['cache-control'], 'no-store', 'a page showing a password is not cached');
    await page.waitForLoadState('load');
    // The CSRF token went in the form's body: no address (bar, history, access log) carries it.
    assert.equal(new URL(response.url()).search, '', `the form posted to ${response.url()}`);
    assert.doesNotMatch(page.url(), /_csrf/, `the page's address: ${page.url()}`);

    // The one-time credentials, shown once.
    const credentials = page.getByTestId('credentials');
    await credentials.waitFor({ state: 'visible' });
    assert.match(await credentials.innerText(), /Student Željka Ivanovna Đurđević added, with a sign-in account/);
    const username = (await page.getByTestId('new-username').innerText()).trim();
    const password = (await page.getByTestId('one-time-password').innerText()).trim();
    assert.match(username, /^[a-z0-9._-]{3,64}$/, `a generated username: ${username}`);
    assert.ok(password.length >= 12, 'a one-time password of some length');

    // The record as typed.
    await page.getByRole('heading', { name: 'Željka Ivanovna Đurđević', exact: true }).waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('student-number').innerText(), newStudent.studentNumber);
    assert.equal(await page.getByTestId('birth-date').innerText(), newStudent.birthDate);
    assert.equal(await page.getByTestId('group-link').innerText(), newStudent.group);
    assert.equal(await page.getByTestId('phone').innerText(), newStudent.phone);
    assert.equal(await page.getByTestId('address').innerText(), newStudent.address);
    assert.match(await page.getByTestId('student-contact').innerText(), new RegExp(newStudent.email.replace(/\./g, '\\.')));

    // The photo loads, re-encoded (not larger than its side limit, metadata gone) with cache headers.
    const photo = page.getByTestId('record-photo');
    const size = await loadedImageSize(photo);
    assert.ok(size.width > 0 && size.height > 0, `the record photo loaded (${size.width}×${size.height})`);
    const src = await photo.getAttribute('src');
    assert.ok(src, 'the photo has a src');
    // The URL may carry a version (?v=…) so that a replaced photo is fetched anew.
    const id = Number(/^\/students\/(\d+)\/photo(\?v=\w+)?$/.exec(src)?.[1]);
    assert.ok(id > 0, `the photo URL names the record: ${src}`);
    const served = await page.request.get(`${baseUrl}${src}`);
    assert.equal(served.status(), 200);
    const headers = served.headers();
    assert.match(headers['content-type'] ?? '', /^image\/(jpeg|webp)$/);
    assert.match(headers['cache-control'] ?? '', /private/, 'a photo is personal: private caching only');
    assert.match(headers['cache-control'] ?? '', /no-cache/, 'revalidated, with its access check, before every use');
    assert.match(headers['etag'] ?? '', /^"[0-9a-f]{64}"$/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    const meta = await sharp(await served.body()).metadata();
    assert.equal(meta.exif, undefined, 'the EXIF block is stripped');
    assert.ok((meta.width ?? 0) > 0 && (meta.width ?? 0) <= 800);
    const again = await page.request.get(`${baseUrl}${src}`, { headers: { 'If-None-Match': headers['etag']! } });
    assert.equal(again.status(), 304, 'the browser revalidates by ETag');

    await shot(page, 'student-record.png');
    assertNoProblems(problems, 'POST /students (the new record page)');
    created = { id, username, password };
  });

  await t.test('the list finds the student by number and by an accent-free name, with the thumbnail', async () => {
    assert.ok(created, 'the student was created');
    await openFromNav(page, baseUrl, 'Students', '/students');
    assert.match(await page.getByTestId('list-summary').innerText(), /of 31 students/);

    let rows = await searchStudents(page, newStudent.studentNumber);
    assert.equal(await rows.count(), 1, 'the student number finds exactly one student');
    assert.match(await rows.first().innerText(), /Đurđević, Željka Ivanovna/);

    rows = await searchStudents(page, 'durdevic');
    assert.equal(await rows.count(), 1, '"durdevic" finds Đurđević');
    const row = rows.first();
    assert.match(await row.innerText(), new RegExp(newStudent.studentNumber));
    assert.match(await row.innerText(), new RegExp(newStudent.group));
    const thumbnail = row.locator('img');
    assert.match((await thumbnail.getAttribute('src')) ?? '', new RegExp(`^/students/${created.id}/photo/thumbnail(\\?v=\\w+)?$`));
    const size = await loadedImageSize(thumbnail);
    assert.ok(size.width > 0, 'the thumbnail loaded');
    const served = await page.request.get(`${baseUrl}/students/${created.id}/photo/thumbnail`);
    assert.match(served.headers()['content-type'] ?? '', /^image\/(jpeg|webp)$/);

    rows = await searchStudents(page, 'zeljka');
    assert.equal(await rows.count(), 1, '"zeljka" finds Željka');
    assertNoProblems(problems, '/students searches');
  });

  await t.test('a duplicate student number is refused next to the field, keeping what was typed', async () => {
    await page.goto(`${baseUrl}/students/new`);
    const typed = { lastName: 'Kovačić', firstName: 'Ana', birthDate: '2005-11-02', email: 'ana.kovacic@students.fms.example', phone: '+385 98 111 222', address: 'Trg bana Jelačića 1, Zagreb', group: 'MA-101' };
    await page.getByLabel('Last name').fill(typed.lastName);
    await page.getByLabel('First name').fill(typed.firstName);
    await page.getByLabel('Birth date').fill(typed.birthDate);
    await page.getByLabel('Student number').fill(newStudent.studentNumber);
    await page.getByLabel('Group').fill(typed.group);
    await page.getByLabel('E-mail').fill(typed.email);
    await page.getByLabel('Phone').fill(typed.phone);
    await page.getByLabel('Address').fill(typed.address);
    await page.locator('#field-photo').setInputFiles({ name: 'ana.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    const filesBefore = storedFiles(uploads);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/students'),
      page.getByRole('button', { name: 'Create student and account' }).click(),
    ]);
    assert.ok([409, 422].includes(response.status()), `a refused form answers 409/422, not ${response.status()}`);
    await page.waitForLoadState('load');

    const field = page.getByLabel('Student number');
    assert.match((await field.getAttribute('class')) ?? '', /is-invalid/);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    const message = page.locator('#field-studentNumber-error');
    await message.waitFor({ state: 'visible' });
    assert.match(await message.innerText(), /student number/i);
    assert.equal(await field.getAttribute('aria-describedby').then((d) => d?.split(' ').includes('field-studentNumber-error')), true, 'the message is tied to the field');
    // The message sits right under the field, not somewhere else on the page.
    const fieldBox = (await field.boundingBox())!;
    const messageBox = (await message.boundingBox())!;
    assert.ok(messageBox.y >= fieldBox.y + fieldBox.height - 1 && messageBox.y - (fieldBox.y + fieldBox.height) < 20, 'the message is right below the field');

    assert.equal(await field.inputValue(), newStudent.studentNumber);
    assert.equal(await page.getByLabel('Last name').inputValue(), typed.lastName);
    assert.equal(await page.getByLabel('First name').inputValue(), typed.firstName);
    assert.equal(await page.getByLabel('Birth date').inputValue(), typed.birthDate);
    assert.equal(await page.getByLabel('E-mail').inputValue(), typed.email);
    assert.equal(await page.getByLabel('Phone').inputValue(), typed.phone);
    assert.equal(await page.getByLabel('Address').inputValue(), typed.address);
    assert.equal(await page.getByLabel('Group').inputValue(), typed.group);
    // A browser cannot keep a chosen file across a refused form: the page says so, and no photo was stored.
    assert.equal(await page.locator('#field-photo').inputValue(), '', 'the photo must be chosen again');
    assert.match(await page.locator('#field-photo-help').innerText(), /must be chosen again/);
    assert.equal(storedFiles(uploads), filesBefore, 'the refused form left no photo file behind');
    await shot(page, 'student-form-errors.png');

    // Expected in this step only: the refused form answers 409/422, which Chromium also logs as a
    // console error ("Failed to load resource") for the document.
    const expected = takeExpectedProblems(problems, [/^HTTP (409|422) for .*\/students$/, /^console error on .*\/students: .*status of (409|422)/]);
    assert.ok(expected.some((p) => p.startsWith('HTTP')), 'the refusal was seen');
    assertNoProblems(problems, 'the refused New student form');

    await openFromNav(page, baseUrl, 'Students', '/students');
    assert.match(await page.getByTestId('list-summary').innerText(), /of 31 students/, 'nothing was added');
  });

  await t.test('without JavaScript, the admin replaces the photo with a plain form post; no address carries the CSRF token', async () => {
    assert.ok(created, 'the student was created');
    const context = await newContext(browser, { javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      const seen = watchProblems(plain);
      await plain.goto(`${baseUrl}/login`);
      await plain.getByLabel('Username').fill(admin.username);
      await plain.getByLabel('Password').fill(admin.password);
      await Promise.all([plain.waitForURL(`${baseUrl}/dashboard`), plain.getByRole('button', { name: 'Sign in' }).click()]);
      await plain.goto(`${baseUrl}/students/${created.id}`);
      const before = await plain.getByTestId('record-photo').getAttribute('src');
      const filesBefore = storedFiles(uploads);
      const replacement = await sharp({ create: { width: 640, height: 640, channels: 3, background: { r: 200, g: 60, b: 40 } } }).png().toBuffer();
      await plain.locator('#field-photo').setInputFiles({ name: 'new.png', mimeType: 'image/png', buffer: replacement });
      const [posted] = await Promise.all([
        plain.waitForRequest((r) => r.method() === 'POST'),
        plain.waitForURL(`${baseUrl}/students/${created.id}`),
        plain.getByRole('button', { name: 'Upload' }).click(),
      ]);
      assert.equal(posted.url(), `${baseUrl}/students/${created.id}/photo`, 'the upload posts to the bare address');
      assert.doesNotMatch(plain.url(), /_csrf/);
      await plain.locator('.alert', { hasText: 'Photo saved.' }).waitFor({ state: 'visible' });
      const after = await plain.getByTestId('record-photo').getAttribute('src');
      assert.notEqual(after, before, 'the record shows the new photo');
      assert.equal(storedFiles(uploads), filesBefore, 'the new photo and thumbnail replaced the old pair');
      assertNoProblems(seen, 'the photo upload without JavaScript');
    } finally {
      await context.close();
    }
  });

  await t.test('the new student signs in with the one-time password, must choose their own, and sees My record', async () => {
    assert.ok(created, 'the student was created');
    const context = await newContext(browser);
    try {
      const student = await context.newPage();
      const seen = watchProblems(student);
      await student.goto(`${baseUrl}/login`);
      await student.getByLabel('Username').fill(created.username);
      await student.getByLabel('Password').fill(created.password);
      await Promise.all([student.waitForURL(`${baseUrl}/account/password`), student.getByRole('button', { name: 'Sign in' }).click()]);
      await student.locator('.alert', { hasText: 'You signed in with a one-time password' }).waitFor({ state: 'visible' });

      // Nothing else opens before the password is changed.
      await student.goto(`${baseUrl}/my-record`);
      assert.equal(new URL(student.url()).pathname, '/account/password', 'My record waits for the new password');
      await student.locator('.alert', { hasText: 'Choose your own password before you continue.' }).waitFor({ state: 'visible' });
      assertNoProblems(seen, 'the forced password change');

      const chosen = 'violet trams cross the quiet harbour 42';
      await student.getByLabel('Current password').fill(created.password);
      await student.getByLabel('New password', { exact: true }).fill(chosen);
      await student.getByLabel('Repeat the new password').fill(chosen);
      await Promise.all([student.waitForURL(`${baseUrl}/dashboard`), student.getByRole('button', { name: 'Change password' }).click()]);
      await student.locator('.alert', { hasText: 'Your password has been changed.' }).waitFor({ state: 'visible' });

      await Promise.all([
        student.waitForURL(`${baseUrl}/students/${created.id}`),
        student.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My record', exact: true }).click(),
      ]);
      await student.waitForLoadState('load');
      await student.getByRole('heading', { name: 'My record: Željka Ivanovna Đurđević', exact: true }).waitFor({ state: 'visible' });
      assert.equal(await student.getByTestId('student-number').innerText(), newStudent.studentNumber);
      assert.equal(await student.getByTestId('birth-date').innerText(), newStudent.birthDate, 'a student sees their own birth date');
      assert.equal(await student.getByTestId('address').innerText(), newStudent.address);
      const size = await loadedImageSize(student.getByTestId('record-photo'));
      assert.ok(size.width > 0, 'their photo loads for them');
      assert.equal(await student.getByRole('link', { name: 'Edit' }).count(), 0, 'a student cannot edit their record');
      assert.equal(await student.getByTestId('photo-forms').count(), 0, 'nor change the photo');
      assert.equal(await student.getByTestId('account-card').count(), 0);
      await shot(student, 'my-record.png');
      assertNoProblems(seen, 'My record');

      // Their list is their own record only; another student's record is not found.
      const other = await student.request.get(`${baseUrl}/students/1`, { maxRedirects: 0 });
      assert.equal(other.status(), 404);

      // The one-time password is spent.
      const fresh = await newContext(browser);
      try {
        const again = await fresh.newPage();
        await again.goto(`${baseUrl}/login`);
        await again.getByLabel('Username').fill(created.username);
        await again.getByLabel('Password').fill(created.password);
        const [refused] = await Promise.all([again.waitForResponse((r) => r.request().method() === 'POST'), again.getByRole('button', { name: 'Sign in' }).click()]);
        assert.equal(refused.status(), 401, 'the one-time password no longer signs in');
      } finally {
        await fresh.close();
      }
    } finally {
      await context.close();
    }
  });
});
