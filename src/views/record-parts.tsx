// The parts of one record's page that every kind of record shares (a group, a student, a lecturer):
// the breadcrumb back to its list, the header with its badges and buttons, the archive button and
// the notice while archived, rows of facts, cards for what later features add, and the place of the
// record's history at the foot. Pure functions of their props.
import type { Children } from '@kitajs/html';
import { CsrfField } from './form-field.js';
import { Layout, PageHeader } from './layout.js';
import type { PageContext } from './page.js';

export interface RecordPageProps {
  page: PageContext;
  /** The record's name: the window's title and the breadcrumb's last step. */
  name: string;
  /** The heading, when it says more than the name ("My record: Ana Novak"). */
  heading?: string;
  /** The breadcrumb's first step, the record's list (linked or not); null: no breadcrumb. */
  list: { href: string; label: string; linked: boolean } | null;
  archived: boolean;
  /** What archiving means for this kind of record, said while it is archived. */
  archivedNotice: string;
  /** Badges before "archived" in the header (a lecturer's "admin"). */
  badges?: Children;
  /** The header's buttons: Edit, View students, Archive or Restore. */
  actions?: Children;
  /** Alerts above the archived notice (the one-time password of a new account). */
  notices?: Children;
  /** The record's history (record-history.tsx), or '' for those who may not see it. */
  history: Children;
  children: Children;
}

/** A record's page: breadcrumb, header, notices, the record's own cards, then its history. */
export function RecordPage(props: RecordPageProps) {
  return (
    <Layout page={props.page} title={props.name}>
      {props.list === null ? '' : <Breadcrumb steps={[{ label: props.list.label, href: props.list.linked ? props.list.href : undefined }, { label: props.name }]} />}
      <PageHeader title={props.heading ?? props.name}>
        <>
          {props.badges ?? ''}
          {props.archived ? (
            <span class="badge text-bg-secondary align-self-center" data-testid="archived-badge">
              archived
            </span>
          ) : (
            ''
          )}
          {props.actions ?? ''}
        </>
      </PageHeader>
      {props.notices ?? ''}
      {props.archived ? (
        <div class="alert alert-secondary" role="status" safe>
          {props.archivedNotice}
        </div>
      ) : (
        ''
      )}
      {props.children}
      {props.history}
    </Layout>
  );
}

/** One step of a breadcrumb: a link, or (with no href) words only. */
export interface BreadcrumbStep {
  label: string;
  href?: string;
}

/** The way back from a record or its form: the list, the record, …; the last step is this page. */
export function Breadcrumb(props: { steps: BreadcrumbStep[] }) {
  const here = props.steps.at(-1);
  return (
    <nav aria-label="breadcrumb">
      <ol class="breadcrumb">
        {props.steps.slice(0, -1).map((step) => (
          <li class="breadcrumb-item">
            {step.href ? (
              <a href={step.href} safe>
                {step.label}
              </a>
            ) : (
              <span safe>{step.label}</span>
            )}
          </li>
        ))}
        <li class="breadcrumb-item active" aria-current="page" safe>
          {here?.label ?? ''}
        </li>
      </ol>
    </nav>
  );
}

/** Archive (leave the lists, keep the record and its history) or restore. */
export function ArchiveForm(props: { action: string; archived: boolean; csrfToken: string; noun: string }) {
  return props.archived ? (
    <form method="post" action={`${props.action}/restore`}>
      <CsrfField token={props.csrfToken} />
      <button class="btn btn-outline-success" type="submit">
        Restore
      </button>
    </form>
  ) : (
    <form method="post" action={`${props.action}/archive`} data-confirm={`Archive this ${props.noun}? The record leaves the lists but keeps its history.`}>
      <CsrfField token={props.csrfToken} />
      <button class="btn btn-outline-danger" type="submit">
        Archive
      </button>
    </form>
  );
}

/** One fact of the record, a row of its definition list; an empty value reads as a dash. */
export function Detail(props: { label: string; value: string | null | undefined; testId?: string }) {
  const text = props.value || '—';
  return (
    <>
      <dt class="col-sm-4 text-secondary fw-normal" safe>
        {props.label}
      </dt>
      <dd class="col-sm-8" data-testid={props.testId} safe>
        {text}
      </dd>
    </>
  );
}

/** A card of facts: a header, then its rows (Detail elements) in a definition list; `after` below the list. */
export function DetailsCard(props: { title: string; testId: string; children: Children; after?: Children }) {
  return (
    <div class="card shadow-sm mb-4">
      <div class="card-header" safe>
        {props.title}
      </div>
      <div class="card-body">
        <dl class="row mb-0" data-testid={props.testId}>
          {props.children}
        </dl>
        {props.after ?? ''}
      </div>
    </div>
  );
}

/** A muted card for a part of the record that later features fill in. */
export function LaterCard(props: { title: string; text: string; width?: string }) {
  return (
    <div class={props.width ?? 'col-md-4'}>
      <div class="card h-100 border-0 bg-body-tertiary">
        <div class="card-body">
          <h2 class="h6 mb-1" safe>
            {props.title}
          </h2>
          <p class="small text-secondary mb-0" safe>
            {props.text}
          </p>
        </div>
      </div>
    </div>
  );
}
