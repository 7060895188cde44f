// Markdown that lecturers and admins write (subjects' and exercises' descriptions), rendered to HTML
// that is safe to put in a page: markdown-it with raw HTML off, so `<script>` or `<img onerror>` in
// the text comes out as visible text, and its link check, which drops javascript:, vbscript:, file:
// and non-image data: URLs. Links open as plain links that tell the target nothing of FMS.
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The text as HTML: escaped wherever it is not Markdown, so it may be output unescaped. */
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
