import type { Children } from '@kitajs/html';
import { AssistantWidget } from './assistant-widget.js';
import { Flash } from './flash.js';
import { Nav } from './nav.js';
import type { PageContext } from './page.js';

/**
 * The page around a view. `assets`: this page's own static files (`page.asset` names), stylesheets
 * in the head and scripts deferred after the shared ones, in the order given (a library before the
 * script that uses it).
 */
export function Layout({ page, title, assets = [], children }: { page: PageContext; title: string; assets?: readonly string[]; children: Children }) {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="csrf-token" content={page.csrfToken} />
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
          <title safe>{`${title} · FMS`}</title>
          <link rel="icon" href={page.asset('favicon.svg')} type="image/svg+xml" />
          <link rel="stylesheet" href={page.asset('bootstrap.css')} />
          <link rel="stylesheet" href={page.asset('app.css')} />
          {assets.filter((name) => name.endsWith('.css')).map((name) => <link rel="stylesheet" href={page.asset(name)} />)}
        </head>
        <body>
          <Nav page={page} />
          <main class="container-xl py-4" id="main">
            <Flash messages={page.flash} />
            {children}
          </main>
          <AssistantWidget page={page} />
          <footer class="app-footer border-top">
            <div class="container-xl py-3">
              Faculty Management System{page.mode === 'production' ? '' : <span safe>{` · ${page.mode} mode`}</span>}
            </div>
          </footer>
          <script src={page.asset('bootstrap.js')} defer></script>
          <script src={page.asset('htmx.js')} defer></script>
          <script src={page.asset('app.js')} defer></script>
          {assets.filter((name) => name.endsWith('.js')).map((name) => <script src={page.asset(name)} defer></script>)}
        </body>
      </html>
    </>
  );
}

export function PageHeader({ title, children }: { title: string; children?: JSX.Element }) {
  return (
    <div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-4">
      <h1 class="h3 mb-0" safe>{title}</h1>
      {children ? <div class="d-flex gap-2">{children}</div> : ''}
    </div>
  );
}
