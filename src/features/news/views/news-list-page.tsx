import { formatDeadline } from '../../../lib/department-time.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import { queryString } from '../../../views/list-parts.js';
import type { PageContext } from '../../../views/page.js';
import { CursorPagination } from '../../../views/pagination.js';
import { audienceLabels, audienceShortLabels, categoryLabels, newsCategories, type NewsAudience, type NewsCategory } from '../fields.js';
import type { NewsListItem } from '../service.js';

export interface NewsListPageProps {
  page: PageContext;
  items: readonly NewsListItem[];
  category: NewsCategory | '';
  /** The cursor of this page (empty on the first), and of the next. */
  cursor: string;
  nextCursor: string | null;
  mayPublish: boolean;
  timeZone: string;
}

/** A short word on who reads an article, for those who read more than the public news. */
function AudienceBadge({ audience }: { audience: NewsAudience }) {
  return (
    <span class="badge text-bg-light border" title={audienceLabels[audience]} safe>
      {audienceShortLabels[audience]}
    </span>
  );
}

function Card(props: { item: NewsListItem; timeZone: string; showAudience: boolean }) {
  const { item } = props;
  return (
    <article class="card shadow-sm mb-3 news-card" data-testid="news-item">
      <div class="row g-0">
        {item.hasCover ? (
          <div class="col-3 col-md-2">
            <img class="img-fluid rounded-start news-thumb" src={`/news/${item.id}/cover/thumbnail`} alt="" loading="lazy" width="320" height="320" />
          </div>
        ) : (
          ''
        )}
        <div class={item.hasCover ? 'col-9 col-md-10' : 'col-12'}>
          <div class="card-body">
            <div class="d-flex flex-wrap gap-2 align-items-center small text-secondary mb-1">
              <span class="badge text-bg-primary" safe>
                {categoryLabels[item.category]}
              </span>
              {props.showAudience ? <AudienceBadge audience={item.audience} /> : ''}
              <time datetime={item.publishedAt.toISOString()} safe>
                {formatDeadline(item.publishedAt, props.timeZone)}
              </time>
              {item.authorName ? <span safe>{`· ${item.authorName}`}</span> : ''}
              {item.hasAudio ? <span>· with audio</span> : ''}
            </div>
            <h2 class="h5 card-title mb-1">
              <a href={`/news/${item.id}`} class="stretched-link text-decoration-none" safe>
                {item.title}
              </a>
            </h2>
            {item.summary ? (
              <p class="card-text mb-0" safe>
                {item.summary}
              </p>
            ) : (
              ''
            )}
          </div>
        </div>
      </div>
    </article>
  );
}

export function NewsListPage(props: NewsListPageProps) {
  const href = (category: string, cursor?: string) => {
    const query = queryString({ category, cursor });
    return query ? `/news?${query}` : '/news';
  };
  const signedIn = props.page.actor !== null;
  return (
    <Layout page={props.page} title="News">
      <PageHeader title="News">
        {props.mayPublish ? (
          <a class="btn btn-primary" href="/news/new">
            Publish an article
          </a>
        ) : undefined}
      </PageHeader>
      <nav aria-label="Categories" class="mb-3">
        <ul class="nav nav-pills flex-wrap gap-1">
          {[['', 'All'] as const, ...newsCategories.map((c) => [c, categoryLabels[c]] as const)].map(([value, label]) => (
            <li class="nav-item">
              <a class={`nav-link py-1 px-2${props.category === value ? ' active' : ''}`} href={href(value)} aria-current={props.category === value ? 'page' : undefined} safe>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.items.length === 0 ? (
        <p class="text-secondary fst-italic" data-testid="news-empty">
          {props.category ? 'No articles in this category yet.' : 'No news yet.'}
        </p>
      ) : (
        <div data-testid="news-list">
          {props.items.map((item) => (
            <Card item={item} timeZone={props.timeZone} showAudience={signedIn} />
          ))}
        </div>
      )}
      <CursorPagination
        label="More news"
        steps={[
          { label: 'Newest', href: props.cursor ? href(props.category) : null, rel: 'first' },
          { label: 'Older', href: props.nextCursor ? href(props.category, props.nextCursor) : null, rel: 'next' },
        ]}
      />
      <p class="small text-secondary mt-3">
        Public news also comes as a feed: <a href="/news/feed.atom">Atom</a>.
      </p>
    </Layout>
  );
}
