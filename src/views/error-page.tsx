import { Layout } from './layout.js';
import type { PageContext } from './page.js';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed',
  413: 'Too large',
  415: 'Unsupported file',
  422: 'Check your input',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Temporarily unavailable',
};

const explanations: Record<number, string> = {
  403: 'Your account may not do this. If you think it should, ask the department administrator.',
  404: 'There is nothing here, or you may not see it. Check the address, or start from the dashboard.',
  429: 'You have made too many requests in a short time. Wait a minute, then try again.',
  500: 'The server could not finish your request. It has been logged; if it keeps happening, tell the administrator the error id below.',
  503: 'FMS is busy or being maintained. Try again in a minute.',
};

/**
 * `fields`: what is wrong with which input, when no form is there to highlight it (a hand-made
 * link, an export with a filter the page would refuse).
 */
export function ErrorPage(props: { page: PageContext; status: number; message?: string; errorId?: string; detail?: string; fields?: Record<string, string> }) {
  const fields = Object.entries(props.fields ?? {});
  const title = titles[props.status] ?? 'Error';
  return (
    <Layout page={props.page} title={title}>
      <div class="text-center py-5">
        <div class="error-code" safe>{String(props.status)}</div>
        <h1 class="h3 mb-3" safe>{title}</h1>
        <p class="lead text-secondary mx-auto col-md-8" safe>{props.message ?? explanations[props.status] ?? ''}</p>
        {fields.length ? (
          <ul class="list-unstyled mx-auto col-md-8" data-testid="error-fields">
            {fields.map(([field, message]) => (
              <li>
                <code safe>{field}</code>: <span safe>{message}</span>
              </li>
            ))}
          </ul>
        ) : (
          ''
        )}
        {props.errorId ? (
          <p>
            Error id: <code data-testid="error-id" safe>{props.errorId}</code>
          </p>
        ) : (
          ''
        )}
        {props.detail ? <pre class="text-start bg-light border p-3 small" safe>{props.detail}</pre> : ''}
        {props.status === 503 ? (
          // Maintenance, or the database out of reach: every page answers the same until it is over,
          // the sign-in page too, so the way on is this very address again. An empty href is the
          // document's own URL, query included, which the server's idea of the path may not be.
          <a class="btn btn-primary mt-3" href="">
            Try again
          </a>
        ) : (
          <a class="btn btn-primary mt-3" href={props.page.actor ? '/dashboard' : '/login'}>
            {props.page.actor ? 'Back to the dashboard' : 'Go to sign in'}
          </a>
        )}
      </div>
    </Layout>
  );
}
