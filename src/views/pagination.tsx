// How a list moves through its pages. Two kinds, as the list is read (ADR 0008): by number, when the
// list knows its total (the people lists, accounts, an import's errors), and step by step from a
// cursor, when counting every row would cost too much (groups, the audit trail).

/**
 * The page numbers to offer: the first, the last, and a window around the current one. When the
 * count stopped short (`open`), the last counted page is not the last: a gap follows the window.
 */
export function pageWindow(page: number, pages: number, around = 2, open = false): (number | 'gap')[] {
  const shown = new Set<number>(open ? [1] : [1, pages]);
  for (let p = page - around; p <= page + around; p++) if (p >= 1 && p <= pages) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | 'gap')[] = [];
  for (const p of sorted) {
    const previous = out.at(-1);
    if (typeof previous === 'number' && p - previous === 2) out.push(p - 1);
    else if (typeof previous === 'number' && p - previous > 2) out.push('gap');
    out.push(p);
  }
  if (open) out.push('gap');
  return out;
}

const numberFormat = new Intl.NumberFormat('en-GB');
export const formatCount = (n: number) => numberFormat.format(n);

interface PageProps {
  page: number;
  pageSize: number;
  total: number;
  /** The count stopped at `total`: more match (db/record-counts.ts boundedCount). */
  totalIsAtLeast?: boolean;
  href: (page: number) => string;
}

const pageCount = ({ pageSize, total }: { pageSize: number; total: number }) => Math.max(1, Math.ceil(total / pageSize));

/** "Showing 51–100 of 12,345 students": the list's count line. `noun` is the plural ("students"). */
export function ListCount(props: { page: number; pageSize: number; total: number; totalIsAtLeast?: boolean; noun: string }) {
  const pages = pageCount(props);
  const first = props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1;
  const last = Math.min(props.total, props.page * props.pageSize);
  // One of them is "1 student".
  const noun = props.total === 1 ? props.noun.replace(/s$/, '') : props.noun;
  const summary = props.totalIsAtLeast
    ? `Showing ${formatCount(first)}–${formatCount(last)} of more than ${formatCount(props.total)} ${props.noun}`
    : props.total === 0
      ? `No ${props.noun}`
      : first > props.total
        ? `Page ${props.page} is past the end: ${formatCount(props.total)} ${noun} in ${formatCount(pages)} ${pages === 1 ? 'page' : 'pages'}`
        : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(props.total)} ${noun}`;
  return (
    <p class="text-secondary small mb-0" data-testid="list-summary" safe>
      {summary}
    </p>
  );
}

/** Numbered page links (‹ Previous 1 … 4 5 6 … 247 Next ›); nothing when everything fits on one page. */
export function PageNumbers(props: PageProps) {
  const pages = pageCount(props);
  const open = props.totalIsAtLeast === true;
  if (pages <= 1 && !open) return '';
  const hasNext = open || props.page < pages;
  // An open count went on past this page's start further than a page holds (db/record-counts.ts
  // COUNT_AHEAD, 1,000 rows; a page at most 500), so its pages reach this one: only a closed count
  // can be passed by ?page=.
  return (
    <nav aria-label="Pages">
      <ul class="pagination pagination-sm mb-0 flex-wrap">
        <li class={`page-item${props.page <= 1 ? ' disabled' : ''}`}>
          <a class="page-link" href={props.href(Math.max(1, props.page - 1))} aria-label="Previous page">
            ‹ Previous
          </a>
        </li>
        {pageWindow(Math.min(props.page, pages), pages, 2, open).map((p) =>
          p === 'gap' ? (
            <li class="page-item disabled">
              <span class="page-link">…</span>
            </li>
          ) : (
            <li class={`page-item${p === props.page ? ' active' : ''}`}>
              <a class="page-link" href={props.href(p)} aria-current={p === props.page ? 'page' : undefined} safe>
                {formatCount(p)}
              </a>
            </li>
          ),
        )}
        <li class={`page-item${hasNext ? '' : ' disabled'}`}>
          <a class="page-link" href={props.href(hasNext ? props.page + 1 : pages)} aria-label="Next page">
            Next ›
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** Below a list that knows its total: the count line and the numbered pages. */
export function Pagination(props: PageProps & { noun: string }) {
  return (
    <div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-3">
      <ListCount page={props.page} pageSize={props.pageSize} total={props.total} totalIsAtLeast={props.totalIsAtLeast} noun={props.noun} />
      <PageNumbers page={props.page} pageSize={props.pageSize} total={props.total} totalIsAtLeast={props.totalIsAtLeast} href={props.href} />
    </div>
  );
}

/** One step of a cursor pager: its words, where it leads (null: nowhere from here, shown disabled) and its rel. */
export interface PageStep {
  label: string;
  href: string | null;
  rel: 'first' | 'prev' | 'next';
}

/**
 * Below a list read from a cursor: steps such as "First page · Next page" or "Newest · Newer ·
 * Older", without numbers (there is no total). Nothing when no step leads anywhere.
 */
export function CursorPagination(props: { steps: PageStep[]; label?: string }) {
  if (props.steps.every((s) => s.href === null)) return '';
  return (
    <nav aria-label={props.label ?? 'Pages'} class="mt-3">
      <ul class="pagination pagination-sm mb-0">
        {props.steps.map((s) => (
          <li class={`page-item${s.href === null ? ' disabled' : ''}`}>
            <a class="page-link" href={s.href ?? '#'} rel={s.rel} safe>
              {s.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
