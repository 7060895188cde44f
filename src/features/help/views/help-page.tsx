import { renderMarkdown } from '../../../lib/markdown.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { Guide, GuideSection } from '../guide.js';

/**
 * A section's Markdown for this page: links between the guides (users.md#x, imports.md, #x) lead to
 * their anchors here, links to the API's guide to its reference at /api/docs, and links to docs the
 * page does not show become their plain text.
 */
export function linksForThePage(guide: Guide, section: Pick<GuideSection, 'doc' | 'markdown'>): string {
  return section.markdown.replace(/\[([^\]]+)\]\((?:([\w-]+)\.md)?(?:#([\w-]*))?\)/g, (whole, text: string, file: string | undefined, anchor: string | undefined) => {
    if (file === undefined && anchor === undefined) return whole;
    // A link named by its file ("[imports.md](imports.md)") is named by what it leads to here.
    const named = /\.md(#[\w-]*)?$/.test(text);
    if (file === 'api') return `[${named ? "the API's reference" : text}](/api/docs)`;
    const slug = guide.anchorOf(file ?? section.doc, anchor ?? '');
    if (!slug) return text;
    const target = guide.sections.find((s) => s.slug === slug);
    return `[${named && target ? `“${target.title}”` : text}](#${slug})`;
  });
}

function Heading({ section }: { section: GuideSection }) {
  if (section.level === 1)
    return (
      <h2 class="h3 mt-5 mb-3 border-bottom pb-2" id={section.slug} safe>
        {section.title}
      </h2>
    );
  if (section.level === 2)
    return (
      <h3 class="h4 mt-4" id={section.slug} safe>
        {section.title}
      </h3>
    );
  return (
    <h4 class="h5 mt-3" id={section.slug} safe>
      {section.title}
    </h4>
  );
}

export function HelpPage({ page, guide }: { page: PageContext; guide: Guide }) {
  const books = guide.sections.filter((s) => s.level === 1);
  return (
    <Layout page={page} title="Help">
      <PageHeader title="Help">
        {page.actor ? (
          <a class="btn btn-outline-primary" href="/assistant">
            Ask the assistant
          </a>
        ) : undefined}
      </PageHeader>
      <div class="row g-4">
        <nav class="col-lg-3 order-lg-2" aria-label="Contents of the guides">
          <div class="help-contents small">
            {books.map((book) => (
              <>
                <a class="fw-semibold d-block mt-2" href={`#${book.slug}`} safe>
                  {book.title}
                </a>
                <ul class="list-unstyled ms-2 mb-2">
                  {guide.sections
                    .filter((s) => s.level === 2 && s.doc === book.doc)
                    .map((s) => (
                      <li>
                        <a href={`#${s.slug}`} safe>
                          {s.title}
                        </a>
                      </li>
                    ))}
                </ul>
              </>
            ))}
          </div>
        </nav>
        <article class="col-lg-9 order-lg-1 help-guide">
          {guide.sections.map((section) => {
            // The guides are ours, and markdown-it renders them with raw HTML off (lib/markdown.ts).
            const safeBody = renderMarkdown(linksForThePage(guide, section));
            return (
              <section>
                <Heading section={section} />
                {safeBody}
              </section>
            );
          })}
        </article>
      </div>
    </Layout>
  );
}
