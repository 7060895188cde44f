import Type from 'typebox';
import { multiLineText } from '../../lib/text-rules.js';

/** The longest question the assistant reads: a question, not a document. */
export const QUESTION_MAX = 500;

export const AssistantQuestion = Type.Object({
  message: multiLineText({ minLength: 1, maxLength: QUESTION_MAX, title: 'Question', errorMessage: `Ask a question of 1 to ${QUESTION_MAX} characters.` }),
});

export const AssistantAnswerOutput = Type.Object({
  answer: Type.String({ description: 'The answer in plain text; lines start with "• " for a list.' }),
  links: Type.Array(
    Type.Object({
      title: Type.String({ description: 'What the page is, e.g. the exercise or the subject it shows.' }),
      url: Type.String({ description: "The page's path in FMS, e.g. /exercises/12 or /help#theses." }),
    }),
    { description: 'The pages the answer comes from, the most useful first.' },
  ),
  source: Type.String({ enum: ['offline', 'model'], description: 'offline: FMS answered by itself; model: the configured model (ASSISTANT_MODEL) phrased the same facts.' }),
});
