// The Atom feed of the public news (/news/feed.atom), for feed readers and other sites. Titles and
// summaries go out as escaped HTML (type="html"), so a title such as "<b>" reads as text everywhere.
import { escapeHtml } from '@kitajs/html';
import { Feed } from 'feed';
import type { Site } from '../../routes/site-origin.js';
import { categoryLabels } from './fields.js';
import type { NewsListItem } from './service.js';

export function publicNewsFeed(items: readonly NewsListItem[], site: Site): string {
  const feed = new Feed({
    title: 'Department news',
    description: 'The public news of the department, newest first.',
    id: `${site.origin}/news`,
    link: `${site.origin}/news`,
    feedLinks: { atom: `${site.origin}/news/feed.atom` },
    copyright: `The department at ${site.hostname}`,
    updated: items[0]?.publishedAt ?? new Date(0),
    generator: 'FMS',
  });
  for (const item of items) {
    feed.addItem({
      title: escapeHtml(item.title),
      id: `${site.origin}/news/${item.id}`,
      link: `${site.origin}/news/${item.id}`,
      date: item.publishedAt,
      published: item.publishedAt,
      description: escapeHtml(item.summary),
      category: [{ name: categoryLabels[item.category] }],
      ...(item.authorName ? { author: [{ name: item.authorName }] } : {}),
      ...(item.hasCover ? { image: `${site.origin}/news/${item.id}/cover` } : {}),
    });
  }
  return feed.atom1();
}
