// The demo department's teaching loop, made through the services as people would make it:
// exercises in every subject (one overdue, one due soon, one open, one scored), the CS-101 students'
// submissions waiting in the demo lecturer's (l.petrova's) Waiting Room, and a released score for
// the demo student (s.novak).
import type { ServiceContext } from '../context.js';
import { actorFromUser, findUserByUsername } from '../features/auth/service.js';
import { createExercise } from '../features/exercises/service.js';
import { scoreSubmission, submitExercises } from '../features/exercises/submissions.js';
import type { SubjectView } from '../features/subjects/service.js';

const DAY = 86_400_000;

/** The exercises every demo subject gets, by when they are due relative to the seed. */
const exercisePlan = [
  { title: 'Exercise 1: the basics', dueInDays: -7, text: 'Solve the **first sheet** and send your answers as one PDF.' },
  { title: 'Exercise 2: a worked problem', dueInDays: -2, text: 'Work through the problem from the lecture, step by step.' },
  { title: 'Exercise 3: practice set', dueInDays: 1, text: 'Ten short tasks. Show your reasoning for each.' },
  { title: 'Exercise 4: mini project', dueInDays: 14, text: 'Plan a small project; a one-page outline is enough.\n\n- the goal\n- the steps\n- how you will test it' },
] as const;

export async function seedDemoTeaching(ctx: ServiceContext, subjects: readonly SubjectView[], studentUsernamesByGroup: ReadonlyMap<number, readonly string[]>): Promise<void> {
  const now = ctx.clock.now().getTime();
  const asUser = async (username: string) => {
    const user = await findUserByUsername(ctx, username);
    if (!user) throw new Error(`the demo account ${username} is missing`);
    return { ...ctx, actor: actorFromUser(user) };
  };
  // How many subjects each group has had so far: the demo student sends the due-soon exercise of
  // their group's first subject and not of its second, so their list shows both states.
  const seen = new Map<number, number>();
  for (const subject of subjects) {
    const made = [];
    for (const plan of exercisePlan)
      made.push(
        await createExercise(ctx, {
          subjectId: subject.id,
          groupIds: subject.groups.map((g) => g.id),
          title: plan.title,
          text: plan.text,
          dueAt: new Date(now + plan.dueInDays * DAY).toISOString(),
        }),
      );
    const [first, , dueSoon] = made;
    for (const group of subject.groups) {
      const usernames = studentUsernamesByGroup.get(group.id) ?? [];
      const count = seen.get(group.id) ?? 0;
      seen.set(group.id, count + 1);
      // Everyone sent the first exercise and it was scored (and so released); half sent the third,
      // which waits in the Waiting Room. The second, overdue, nobody sent.
      for (const [index, username] of usernames.entries()) {
        const student = await asUser(username);
        // Sent the day before it was due (the seed runs after that day), so not late.
        const onTime = { ...student, clock: { now: () => new Date(first!.dueAt!.getTime() - DAY) } };
        const sent = await submitExercises(onTime, { exerciseIds: [first!.id], note: index % 3 === 0 ? 'My answers, worked step by step.' : '' });
        await scoreSubmission(ctx, sent.sent[0]!.id, { score: 2 + ((index * 7 + subject.id) % 5), version: sent.sent[0]!.version });
        if ((index + count) % 2 === 0) await submitExercises(student, { exerciseIds: [dueSoon!.id], note: index === 0 ? 'I was not sure about task 7.' : '' });
      }
    }
  }
}
