// The Atom feed of the public news (/news/feed.atom), for feed readers and other sites. Titles and
// summaries go out as escaped HTML (type="html"), so a title such as "<b>" reads as text everywhere.
import { escapeHtml } from '@kitajs/html';
import { Feed } from 'feed';
import type { Site } from '../../lib/site.js';
import { categoryLabels } from './fields.js';
import type { NewsListItem } from './service.js';

/**
 * The last feed made, by everything it was made from: the feed library takes about a millisecond
 * to write 20 entries, and every reader and aggregator asks for the same feed until the news change.
 */
let lastFeed: { from: string; atom: string } | null = null;

export function publicNewsFeed(items: readonly NewsListItem[], site: Site): string {
  const from = JSON.stringify([site.origin, site.hostname, items.map((i) => [i.id, i.title, i.summary, i.category, i.authorName, i.hasCover, i.publishedAt.getTime(), i.updatedAt?.getTime()])]);
  if (lastFeed?.from === from) return lastFeed.atom;
  const atom = writeFeed(items, site);
  lastFeed = { from, atom };
  return atom;
}

function writeFeed(items: readonly NewsListItem[], site: Site): string {
  const feed = new Feed({
    title: 'Department news',
    description: 'The public news of the department, newest first.',
    id: `${site.origin}/news`,
    link: `${site.origin}/news`,
    feedLinks: { atom: `${site.origin}/news/feed.atom` },
    copyright: `The department at ${site.hostname}`,
    updated: new Date(Math.max(0, ...items.map((item) => (item.updatedAt ?? item.publishedAt).getTime()))),
    generator: 'FMS',
  });
  for (const item of items) {
    feed.addItem({
      title: escapeHtml(item.title),
      id: `${site.origin}/news/${item.id}`,
      link: `${site.origin}/news/${item.id}`,
      // <updated>: a changed article is fetched again by feed readers.
      date: item.updatedAt ?? item.publishedAt,
      published: item.publishedAt,
      description: escapeHtml(item.summary),
      // Atom requires a category's term; the label is what people read.
      category: [{ term: item.category, name: categoryLabels[item.category] }],
      ...(item.authorName ? { author: [{ name: item.authorName }] } : {}),
      // The library takes the enclosure's type from the address's extension: covers are always
      // stored as JPEG (the photos service's format), and /cover.jpeg serves the same file.
      ...(item.hasCover ? { image: `${site.origin}/news/${item.id}/cover.jpeg` } : {}),
    });
  }
  return feed.atom1();
}
