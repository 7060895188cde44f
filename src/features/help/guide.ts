// The guides for users (docs/users.md, imports.md and audit.md, built into the static folder as
// users-guide.md …): their sections for the /help page, and a search of them for the assistant's
// "how do I …" answers. Read once per static folder; a new build is read after the restart that
// serves it, like the other assets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCommand, readManifest, staticRoot } from '../../lib/static-build.js';
import { plainTextOf } from '../../lib/markdown.js';
import { TitleIndex, titleWords } from '../../lib/similarity.js';

/** The guides /help shows, in its order: the name each has in the build, and in docs/. */
export const GUIDES = [
  { asset: 'users-guide.md', doc: 'users' },
  { asset: 'imports-guide.md', doc: 'imports' },
  { asset: 'audit-guide.md', doc: 'audit' },
] as const;

export interface GuideSection {
  /** The heading's anchor on /help, as GitHub makes it ("## Your sessions" is your-sessions). */
  slug: string;
  title: string;
  /** 1 for a guide's title and opening (#), 2 for a chapter (##), 3 for a part of one (###). */
  level: 1 | 2 | 3;
  /** The chapter a part belongs to (its own title for a chapter, the guide's for an opening). */
  chapter: string;
  /** The docs/ file it comes from (users, imports, audit): links between the files follow it. */
  doc: string;
  markdown: string;
}

export interface Guide {
  sections: GuideSection[];
  /**
   * The sections best matching the words of a question, best first, at least `threshold` alike,
   * of the guides in `docs` only (all when absent).
   */
  search(question: string, options: { limit: number; threshold: number; docs?: readonly string[] }): { section: GuideSection; score: number }[];
  /** The anchor on /help of a docs/ file's heading (or of the file's title), if /help shows it. */
  anchorOf(doc: string, slug?: string): string | null;
}

/**
 * The words of a question or a section that count for the guide's search: a title's words
 * (lib/similarity.ts), numbers left out (the guides are full of them, questions rarely mean them),
 * and English endings cut, so "submissions", "scored" and "uploading" meet "submission", "score"
 * and "upload". A crude stemmer is enough: both sides are cut the same way.
 */
export function guideWords(text: string): string[] {
  return titleWords(text)
    .filter((w) => !/^\p{N}+$/u.test(w))
    .map((w) => (/^[a-z]+$/.test(w) && w.length > 4 ? w.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, '') : w));
}

/**
 * Sections the search leaves out (they stay on /help): lists of every page and every audited action,
 * and the assistant's own, which name a bit of everything and so would answer every question.
 */
const UNSEARCHED = new Set(['addresses-of-the-pages', 'actions', 'the-assistant']);

/** How much a heading's match adds to its section's (see search below). */
const HEADING_WEIGHT = 0.5;

/** GitHub's anchors: lower case, punctuation dropped, spaces as hyphens. */
function githubSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/**
 * The guides' sections: each guide's title with its opening, then each ## and ### heading with the
 * text up to the next one. Anchors are GitHub's, numbered where two guides share a heading.
 */
export function parseGuide(documents: readonly { doc: string; text: string }[]): Guide {
  const seen = new Map<string, number>();
  const unique = (base: string) => {
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  };
  // A docs/ file's own anchors (as GitHub shows that file) to the page's.
  const anchors = new Map<string, string>();
  const sections: GuideSection[] = [];
  const bodies: string[][] = [];
  for (const { doc, text } of documents) {
    let fence = false;
    let current: GuideSection | null = null;
    for (const line of text.split(/\r?\n/)) {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      const heading = fence ? null : /^(#{1,3})\s+(.+?)\s*#*\s*$/.exec(line);
      if (heading && (heading[1]!.length > 1 || current === null)) {
        const level = heading[1]!.length as 1 | 2 | 3;
        const title = heading[2]!;
        const slug = unique(githubSlug(title));
        anchors.set(`${doc}#${level === 1 ? '' : githubSlug(title)}`, slug);
        current = { slug, title, level, chapter: level === 3 && current ? current.chapter : title, doc, markdown: '' };
        sections.push(current);
        bodies.push([]);
        continue;
      }
      if (!current) {
        current = { slug: unique(githubSlug(doc)), title: doc, level: 1, chapter: doc, doc, markdown: '' };
        anchors.set(`${doc}#`, current.slug);
        sections.push(current);
        bodies.push([]);
      }
      bodies.at(-1)!.push(line);
    }
  }
  sections.forEach((s, i) => (s.markdown = bodies[i]!.join('\n').trim()));
  // Two indexes: the sections' words (the heading counted three times) and their headings alone
  // (with the chapter's). A short heading that names the question ("Subjects and materials" for
  // "how do I upload materials") lifts a long section its many other words would sink.
  const searched = sections.map((s, id) => ({ s, id })).filter(({ s }) => !UNSEARCHED.has(s.slug));
  const texts = new TitleIndex(searched.map(({ s, id }) => ({ id, title: `${s.title} ${s.chapter} ${s.title} ${s.title} ${plainTextOf(s.markdown, 4000)}` })), guideWords);
  const headings = new TitleIndex(searched.map(({ s, id }) => ({ id, title: s.level === 3 ? `${s.title} ${s.chapter}` : s.title })), guideWords);
  const search: Guide['search'] = (question, { limit, threshold, docs }) => {
    const score = new Map<number, number>();
    for (const found of texts.search(question, { threshold: 0, limit: sections.length })) score.set(found.id, found.score);
    for (const found of headings.search(question, { threshold: 0, limit: sections.length })) score.set(found.id, (score.get(found.id) ?? 0) + HEADING_WEIGHT * found.score);
    return [...score]
      .map(([id, n]) => ({ section: sections[id]!, score: Math.min(1, n) }))
      .filter((found) => found.score >= threshold && (!docs || docs.includes(found.section.doc)))
      .sort((a, b) => b.score - a.score || a.section.slug.localeCompare(b.section.slug))
      .slice(0, limit);
  };
  return {
    sections,
    search,
    anchorOf: (doc, slug = '') => anchors.get(`${doc}#${slug}`) ?? null,
  };
}

const loaded = new Map<string, Guide>();

/**
 * The guide of a static folder (default dist/static), or an empty one with a pointer to the fix when
 * the build has none: help is not worth refusing to start over. Read and indexed on the first
 * question or /help page, then kept: about 0.1 s that a worker's start no longer spends.
 */
export function guideOf(root = staticRoot): Guide {
  const have = loaded.get(root);
  if (have) return have;
  let guide: Guide;
  try {
    const manifest = readManifest(root);
    guide = parseGuide(
      GUIDES.map((g) => {
        const file = manifest[g.asset];
        if (!file) throw new Error(`no ${g.asset} in the build`);
        return { doc: g.doc, text: readFileSync(join(root, file), 'utf8') };
      }),
    );
  } catch {
    guide = parseGuide([{ doc: 'users', text: `# Help\n\nThe guides are not in this build: run \`${buildCommand()}\` to add them.` }]);
  }
  loaded.set(root, guide);
  return guide;
}
