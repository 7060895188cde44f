// Markdown that lecturers and admins write (subjects' and exercises' descriptions), rendered to HTML
// that is safe to put in a page: markdown-it with raw HTML off, so `<script>` or `<img onerror>` in
// the text comes out as visible text, and its link check, which drops javascript:, vbscript:, file:
// and non-image data: URLs. Links open as plain links that tell the target nothing of FMS.
import type MarkdownIt from 'markdown-it';
import { onFirstUse, packageOnFirstUse } from './on-first-use.js';

const markdownIt = packageOnFirstUse<typeof MarkdownIt>('markdown-it');

const markdownOnce = onFirstUse(() => {
  const markdown = new (markdownIt())({ html: false, linkify: true, typographer: false });
  const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return markdown;
});

/** The text as HTML: escaped wherever it is not Markdown, so it may be output unescaped. */
export function renderMarkdown(text: string): string {
  return markdownOnce().render(text);
}

/**
 * The text's words without the Markdown, at most `max` characters (cut at a word, with "…"): the
 * summary a list shows under a title. Plain text; the page escapes it.
 */
export function plainTextOf(text: string, max: number): string {
  // Blocks (paragraphs, list items, headings) are joined by a space after a sentence's end, by a
  // middle dot otherwise: "Bring: · a laptop · a charger" reads as a list, not as one run-on line.
  const blocks: string[] = [];
  for (const token of markdownOnce().parse(text, {})) {
    if (token.type !== 'inline') continue;
    // A line break inside a paragraph separates words too ("open\nuntil 22:00").
    const words = (token.children ?? []).map((child) => (child.type === 'text' || child.type === 'code_inline' ? child.content : child.type === 'softbreak' || child.type === 'hardbreak' ? ' ' : ''));
    const block = words.join('').replace(/\s+/g, ' ').trim();
    if (block) blocks.push(block);
  }
  const plain = blocks.reduce((out, block) => (out === '' ? block : `${out}${/[.!?:;…]$/.test(out) ? ' ' : ' · '}${block}`), '');
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
