import { useEffect, useState } from 'react';

// The department's latest public news, from GET /api/public/news. The rest of the page is drawn at
// once; this section fills in when the answer comes, and says so to screen readers (aria-busy).

interface NewsItem {
  id: number;
  category: string;
  categoryLabel: string;
  title: string;
  summary: string;
  publishedAt: string;
  url: string;
  coverThumbnailUrl: string | null;
}

type State = { kind: 'loading' } | { kind: 'failed' } | { kind: 'loaded'; items: NewsItem[] };

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** Reads the first page of public news; the signal stops it when the page goes away. */
async function latestNews(signal: AbortSignal): Promise<NewsItem[]> {
  const response = await fetch('/api/public/news?limit=3', { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`news: ${response.status}`);
  const body = (await response.json()) as { items: NewsItem[] };
  return body.items;
}

export function LatestNews() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    latestNews(controller.signal).then(
      (items) => setState({ kind: 'loaded', items }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'failed' });
        void error;
      },
    );
    return () => controller.abort();
  }, []);

  return (
    <section className="wrap news" aria-labelledby="news-title" aria-busy={state.kind === 'loading'}>
      <div className="section-head">
        <h2 id="news-title">Latest news</h2>
        <a href="/news">All news</a>
      </div>
      {state.kind === 'loading' ? (
        <p className="muted">Loading the latest news…</p>
      ) : state.kind === 'failed' ? (
        <p className="muted">
          The news could not be loaded just now. <a href="/news">Read it on the news page</a>.
        </p>
      ) : state.items.length === 0 ? (
        <p className="muted">No news yet.</p>
      ) : (
        <ul className="news-list" data-testid="landing-news">
          {state.items.map((item) => (
            <li key={item.id} className="card news-item">
              {/* Same-site paths: the API's whole addresses name the host the server was asked by. */}
              {item.coverThumbnailUrl ? <img src={`/news/${item.id}/cover/thumbnail`} alt="" width="96" height="96" loading="lazy" /> : null}
              <div>
                <p className="news-meta">
                  <span className="tag">{item.categoryLabel}</span> <time dateTime={item.publishedAt}>{dateFormat.format(new Date(item.publishedAt))}</time>
                </p>
                <h3>
                  <a href={`/news/${item.id}`}>{item.title}</a>
                </h3>
                {item.summary ? <p>{item.summary}</p> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
