// An exercise's fields are declared once (fields.ts) and a submission's in submissions/fields.ts: the
// API's schemas take their rules from there, the form saves what the declaration stores, and every
// field an exercise's history records (its own, its subject and groups, its submissions') has a label.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor, type Actor } from '../../access.js';
import { buildTestApp } from '../../../test/build-test-app.js';
import { createGroup, createStudent } from '../../../test/factories.js';
import { testDatabases } from '../../../test/services.js';
import { storedValue } from '../../lib/record-fields.js';
import { fieldLabelsOf } from '../audit/field-labels.js';
import { createSubject } from '../subjects/service.js';
import { submissionFields } from '../submissions/fields.js';
import { exerciseFields } from './fields.js';
import { CreateExerciseInput, DismissInput, ScoreInput, SubmitInput, UpdateExerciseInput } from './schemas.js';
import { createExercise, updateExercise } from './service.js';
import { dismissSubmission, scoreSubmission, submitExercises } from './submissions.js';

/** A schema's message for input that breaks its rule. */
const says = (schema: object) => (schema as { errorMessage?: string }).errorMessage;

describe('exercise and submission fields', () => {
  test('the API schemas take each declared rule, and only the declared fields besides subject and groups', () => {
    for (const name of ['title', 'text', 'dueAt', 'scoreRelease'] as const) {
      assert.equal(says(CreateExerciseInput.properties[name]), says(exerciseFields[name].input), name);
      assert.equal(says(UpdateExerciseInput.properties[name]), says(exerciseFields[name].input), name);
    }
    assert.deepEqual(Object.keys(CreateExerciseInput.properties), ['subjectId', 'groupIds', 'title', 'text', 'dueAt', 'scoreRelease']);
    assert.deepEqual(CreateExerciseInput.required, ['subjectId', 'groupIds', 'title']);
    assert.equal(says(SubmitInput.properties.note), says(submissionFields.note.input));
    assert.equal(ScoreInput.properties.score, submissionFields.score.input);
    assert.equal(DismissInput.properties.reason, submissionFields.dismissReason.input);
  });

  test('a due time is stored as the instant its offset names, a score as a number; absent ones as null', () => {
    assert.equal((storedValue(exerciseFields.dueAt, '2026-12-10T23:59:00+01:00') as Date).toISOString(), '2026-12-10T22:59:00.000Z');
    assert.equal(storedValue(exerciseFields.dueAt, null), null);
    assert.equal(storedValue(submissionFields.score, 5), 5);
    assert.equal(storedValue(submissionFields.score, null), null);
  });
});

for (const database of await testDatabases()) {
  describe(`exercise history labels on ${database}`, () => {
    test("every field an exercise's entries record, through setting, changing, sending, removing and scoring, has a label", async (t) => {
      const { ctx } = await buildTestApp(t, { database });
      const system = { ...ctx, actor: systemActor };
      const cs = await createGroup(system, { name: 'CS-101' });
      const subject = await createSubject(system, { name: 'Databases', groupIds: [cs.id] });
      const exercise = await createExercise(system, { subjectId: subject.id, groupIds: [cs.id], title: 'Joins', text: 'Write three joins.', dueAt: '2026-12-10T23:59:00+01:00' });
      assert.equal(exercise.dueAt?.toISOString(), '2026-12-10T22:59:00.000Z');
      assert.equal(exercise.scoreRelease, 'on-scoring');
      const changed = await updateExercise(system, exercise.id, { title: 'Joins 2', dueAt: null, scoreRelease: 'manual' });
      assert.deepEqual([changed.title, changed.text, changed.dueAt, changed.scoreRelease], ['Joins 2', 'Write three joins.', null, 'manual']);

      const { student } = await createStudent(system, { groupId: cs.id });
      const user = await ctx.db.selectFrom('users').select(['id', 'username']).where('studentId', '=', student.id).executeTakeFirstOrThrow();
      const actor: Actor = { userId: user.id, username: user.username, role: 'student', isAdmin: false, studentId: student.id, lecturerId: null, displayName: user.username };
      const asStudent = { ...ctx, actor };
      const first = (await submitExercises(asStudent, { exerciseIds: [exercise.id], note: 'Done.' })).sent[0]!;
      await dismissSubmission(system, first.id, { reason: 'Wrong file attached' });
      const again = (await submitExercises(asStudent, { exerciseIds: [exercise.id], note: 'Done again.' })).sent[0]!;
      await scoreSubmission(system, again.id, { score: 5, version: again.version });

      const entries = await ctx.db.selectFrom('auditLog').select(['action', 'before', 'after']).where('entity', '=', 'exercise').orderBy('id').execute();
      const recorded = new Set<string>();
      for (const entry of entries)
        for (const side of [entry.before, entry.after]) {
          const values = (typeof side === 'string' ? JSON.parse(side) : side) as Record<string, unknown> | null;
          for (const key of Object.keys(values ?? {})) recorded.add(key);
        }
      assert.deepEqual(
        entries.map((e) => e.action),
        ['exercise.created', 'exercise.updated', 'submission.sent', 'submission.dismissed', 'submission.replaced', 'submission.scored'],
      );
      const labels = fieldLabelsOf('exercise');
      assert.deepEqual(
        [...recorded].filter((key) => labels[key] === undefined),
        [],
        'a recorded field without a label shows by its code name',
      );
      assert.equal(labels.title, exerciseFields.title.label);
      assert.equal(labels.due, exerciseFields.dueAt.label);
      assert.equal(labels.scoreRelease, exerciseFields.scoreRelease.label);
      assert.equal(labels.reason, submissionFields.dismissReason.label);
      assert.equal(labels.score, submissionFields.score.label);
    });
  });
}
