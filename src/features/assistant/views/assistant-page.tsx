import type { FieldMessages } from '../../../lib/errors.js';
import { QuestionForm } from '../../../views/assistant-widget.js';
import { CsrfField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { AssistantAnswer } from '../service.js';

/** The answer's lines as paragraphs, "• " lines as a list: plain text, escaped. */
function AnswerText({ text }: { text: string }) {
  const blocks: { list: boolean; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const list = line.startsWith('• ');
    const last = blocks.at(-1);
    if (last && last.list === list && list) last.lines.push(line.slice(2));
    else blocks.push({ list, lines: [list ? line.slice(2) : line] });
  }
  return (
    <>
      {blocks.map((b) =>
        b.list ? (
          <ul class="mb-2">
            {b.lines.map((l) => (
              <li safe>{l}</li>
            ))}
          </ul>
        ) : (
          <p class="mb-2" safe>
            {b.lines.join(' ')}
          </p>
        ),
      )}
    </>
  );
}

/** One question and its answer: the page's log, and htmx's answer appended to it. */
export function Exchange({ exchange }: { exchange: AssistantAnswer }) {
  return (
    <div class="assistant-exchange" data-testid="assistant-exchange">
      <div class="assistant-question">
        <span class="visually-hidden">You asked: </span>
        <span safe>{exchange.question}</span>
      </div>
      <div class="assistant-answer" data-intent={exchange.intent} data-source={exchange.source}>
        <span class="visually-hidden">Answer: </span>
        <AnswerText text={exchange.answer} />
        {exchange.links.length ? (
          <ul class="list-inline mb-0 small">
            {exchange.links.map((l) => (
              <li class="list-inline-item">
                <a href={l.url} safe>
                  {l.title}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          ''
        )}
      </div>
    </div>
  );
}

/** What htmx appends when the question is refused: the message, in the log where the answer would be. */
export function Refusal({ message }: { message: string }) {
  return (
    <div class="assistant-exchange">
      <div class="alert alert-warning py-2 mb-0" role="alert" safe>
        {message}
      </div>
    </div>
  );
}

export interface AssistantPageProps {
  page: PageContext;
  examples: readonly string[];
  exchange: AssistantAnswer | null;
  value?: string;
  errors?: FieldMessages;
  /** Whether a model phrases the answers (ASSISTANT_MODEL): the page says so. */
  model: boolean;
}

export function AssistantPage({ page, examples, exchange, value, errors = {}, model }: AssistantPageProps) {
  return (
    <Layout page={page} title="Assistant">
      <PageHeader title="Assistant">
        <a class="btn btn-outline-secondary" href="/help">
          Help
        </a>
      </PageHeader>
      <div class="row g-4">
        <div class="col-lg-8">
          <div id="assistant-log" class="assistant-log mb-3" aria-live="polite">
            {exchange ? <Exchange exchange={exchange} /> : ''}
          </div>
          <QuestionForm page={page} log="assistant-log" value={value ?? ''} error={errors.message} />
        </div>
        <aside class="col-lg-4">
          <h2 class="h6">Try asking</h2>
          <form method="post" action="/assistant" hx-post="/assistant" hx-target="#assistant-log" hx-swap="beforeend" class="d-grid gap-2">
            <CsrfField token={page.csrfToken} />
            {examples.map((e) => (
              <button type="submit" name="message" value={e} class="btn btn-sm btn-outline-primary text-start" safe>
                {e}
              </button>
            ))}
          </form>
          <p class="small text-secondary mt-3 mb-0">
            {model
              ? 'Answers come from what you may see in FMS and from the help pages; a language model phrases them. It is told only what you may see.'
              : 'Answers come from what you may see in FMS and from the help pages.'}
          </p>
        </aside>
      </div>
    </Layout>
  );
}
