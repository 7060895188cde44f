import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainTextOf, renderMarkdown } from './markdown.js';

test('Markdown is rendered: headings, emphasis, lists, links', () => {
  const html = renderMarkdown('# Week 1\n\n**Read** chapter 2:\n\n- sets\n- relations\n\n[Slides](https://example.org/s.pdf)');
  assert.match(html, /<h1>Week 1<\/h1>/);
  assert.match(html, /<strong>Read<\/strong>/);
  assert.match(html, /<li>sets<\/li>/);
  assert.match(html, /<a href="https:\/\/example.org\/s.pdf" rel="nofollow noopener noreferrer">Slides<\/a>/);
});

test('raw HTML in the text comes out as text, never as markup', () => {
  const html = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>');
  assert.doesNotMatch(html, /<script|<img|<a /);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('links to javascript:, vbscript:, file: and data: pages are not made links', () => {
  for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'data:text/html;base64,PHNjcmlwdD4=']) {
    const html = renderMarkdown(`[click](${url})`);
    assert.doesNotMatch(html, /<a /, `${url}: ${html}`);
  }
});

test('a summary is the words without the Markdown, blocks joined as read, cut at a word', () => {
  assert.equal(plainTextOf('# Week 1\n\n**Read** chapter 2:\n\n- sets\n- relations\n\n[Slides](https://example.org/s.pdf)', 200), 'Week 1 · Read chapter 2: sets · relations · Slides');
  assert.equal(plainTextOf('Done. Next `npm test` now', 200), 'Done. Next npm test now');
  assert.equal(plainTextOf('one two three four five six', 15), 'one two three…');
  assert.equal(plainTextOf('<script>alert(1)</script>', 200), '<script>alert(1)</script>', 'plain text: the page escapes it');
  assert.equal(plainTextOf('', 200), '');
  assert.equal(plainTextOf('open\nuntil 22:00, then  \nclosed', 200), 'open until 22:00, then closed', 'a line break parts words');
});
