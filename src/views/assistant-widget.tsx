// The assistant's question form, and the widget every signed-in page carries: a button that opens
// a side panel (Bootstrap's offcanvas) with the form, answered in the panel by htmx. Without
// JavaScript the button is a link to the assistant's page. The answers are the assistant feature's
// (POST /assistant); views import no feature, so the form posts by address.
import { can } from '../access.js';
import { CsrfField } from './form-field.js';
import type { PageContext } from './page.js';

/** The longest question (assistant/schemas.ts QUESTION_MAX, which checks it): the field's maxlength. */
const QUESTION_FIELD_MAX = 500;

/**
 * The question's form: a plain POST that answers with the page, and with htmx an exchange appended
 * to the log (`log`: its id) as the form is sent; app.js empties the field after.
 */
export function QuestionForm({ page, log, value = '', error }: { page: PageContext; log: string; value?: string; error?: string | undefined }) {
  const id = `${log}-question`;
  return (
    <form method="post" action="/assistant" hx-post="/assistant" hx-target={`#${log}`} hx-swap="beforeend" hx-disabled-elt="find button" data-assistant-form class="assistant-form" novalidate>
      <CsrfField token={page.csrfToken} />
      <label class="form-label visually-hidden" for={id}>
        Your question
      </label>
      <div class="input-group">
        <input
          type="text"
          class={`form-control${error ? ' is-invalid' : ''}`}
          id={id}
          name="message"
          value={value}
          maxlength={String(QUESTION_FIELD_MAX)}
          placeholder="Ask about deadlines, scores, files, news…"
          autocomplete="off"
          required
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button type="submit" class="btn btn-primary">
          Ask
        </button>
        {error ? (
          <div class="invalid-feedback" id={`${id}-error`} safe>
            {error}
          </div>
        ) : (
          ''
        )}
      </div>
    </form>
  );
}

export function AssistantWidget({ page }: { page: PageContext }) {
  if (!can(page.actor, 'assistant.ask') || page.path === '/assistant') return '';
  return (
    <>
      <a class="btn btn-primary rounded-pill shadow assistant-launcher" href="/assistant" role="button" data-bs-toggle="offcanvas" data-bs-target="#assistant-panel" aria-controls="assistant-panel" data-testid="assistant-launcher">
        Ask FMS
      </a>
      <div class="offcanvas offcanvas-end" tabindex="-1" id="assistant-panel" aria-labelledby="assistant-panel-title">
        <div class="offcanvas-header border-bottom">
          <h2 class="offcanvas-title h5" id="assistant-panel-title">
            Assistant
          </h2>
          <button type="button" class="btn-close" data-bs-dismiss="offcanvas" aria-label="Close"></button>
        </div>
        <div class="offcanvas-body d-flex flex-column">
          <div id="assistant-panel-log" class="assistant-log flex-grow-1 mb-3" aria-live="polite">
            <p class="small text-secondary">
              Ask about your deadlines, scores, subjects and their files, the Waiting Room, news, theses, or how to do something in FMS. <a href="/assistant">The assistant's page</a> has examples.
            </p>
          </div>
          <QuestionForm page={page} log="assistant-panel-log" />
        </div>
      </div>
    </>
  );
}
