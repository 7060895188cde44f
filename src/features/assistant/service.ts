// The assistant: a signed-in person's question answered from what they may see (answers.ts) and
// from the users' guide, offline; phrased by a model when one is configured (model.ts), with the
// same links. The question is not stored: the answer is made from the data as it is now.
import { authorize } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { Invalid } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import type { Guide } from '../help/guide.js';
import { answerFor, examplesFor as offeredExamples, type AssistantLink } from './answers.js';
import { intentOf, type Intent } from './intents.js';
import { phraseWithModel } from './model.js';
import { AssistantQuestion, QUESTION_MAX } from './schemas.js';

export type { AssistantLink } from './answers.js';

/** The questions the assistant's page offers the signed-in person (their role's, with one of their subjects). */
export function examplesFor(ctx: ServiceContext): Promise<string[]> {
  const actor = signedInActor(ctx);
  authorize(actor, 'assistant.ask');
  return offeredExamples({ ...ctx, actor });
}

export interface AssistantAnswer {
  question: string;
  intent: Intent;
  answer: string;
  links: AssistantLink[];
  source: 'offline' | 'model';
}

export async function askAssistant(ctx: ServiceContext, input: unknown, guide: Guide): Promise<AssistantAnswer> {
  const actor = signedInActor(ctx);
  authorize(actor, 'assistant.ask');
  const { message } = validate(AssistantQuestion, input);
  const question = message.trim();
  if (question === '') throw new Invalid('Check the question.', { message: `Ask a question of 1 to ${QUESTION_MAX} characters.` });
  const intent = intentOf(question);
  const asker = { ...ctx, actor };
  const offline = await answerFor(asker, intent, question, guide);
  const model = ctx.config.assistantModel;
  const phrased = model ? await phraseWithModel(ctx, model, question, offline) : null;
  return { question, intent, answer: phrased ?? offline.answer, links: offline.links, source: phrased === null ? 'offline' : 'model' };
}
