import { formatBytes } from '../../../lib/bytes.js';
import { formatDeadline } from '../../../lib/department-time.js';
import { Layout } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import { CsrfField } from '../../../views/form-field.js';
import { audienceShortLabels, categoryLabels } from '../fields.js';
import { AUDIO_EXTENSIONS } from '../media.js';
import type { NewsView } from '../service.js';

/** The largest cover and audio file the server takes (MAX_CONTENT_LENGTH caps both). */
export interface UploadLimits {
  cover: number;
  audio: number;
}

export interface ArticlePageProps {
  page: PageContext;
  article: NewsView;
  /** The body as HTML, rendered by lib/markdown.ts, which escapes every piece that is not Markdown. */
  safeBody: string;
  timeZone: string;
  limits: UploadLimits;
  /** A refused cover or audio upload, said above its form. */
  coverError?: string;
  audioError?: string;
}

function UploadError({ text, id }: { text?: string; id: string }) {
  return text ? (
    <div class="alert alert-danger py-2" role="alert" id={id} safe>
      {text}
    </div>
  ) : (
    ''
  );
}

/** What editors of the article may do with it: change it, its cover and audio, or delete it. */
function EditorTools(props: { article: NewsView; csrfToken: string; coverError?: string; audioError?: string; limits: UploadLimits }) {
  const { article } = props;
  const cover = formatBytes(props.limits.cover);
  return (
    <aside class="card shadow-sm mt-4" aria-label="Change this article" data-testid="news-editor-tools">
      <div class="card-body">
        <div class="d-flex flex-wrap gap-2 mb-3">
          <a class="btn btn-outline-primary btn-sm" href={`/news/${article.id}/edit`}>
            Change the text or audience
          </a>
          <form method="post" action={`/news/${article.id}/delete`} class="d-inline" data-confirm="Delete this article for everyone who reads it?">
            <CsrfField token={props.csrfToken} />
            <button class="btn btn-outline-danger btn-sm" type="submit">
              Delete the article
            </button>
          </form>
        </div>
        <h2 class="h6">Cover image</h2>
        <UploadError text={props.coverError} id="cover-error" />
        <form method="post" action={`/news/${article.id}/cover`} enctype="multipart/form-data" class="mb-3" data-cover-upload data-testid="cover-form">
          <CsrfField token={props.csrfToken} />
          <div class="input-group input-group-sm">
            <input
              class="form-control"
              type="file"
              name="cover"
              id="cover-file"
              accept="image/jpeg,image/png,image/webp"
              data-max-bytes={String(props.limits.cover)}
              aria-label={`Cover image (JPEG, PNG or WebP, up to ${cover})`}
              required
            />
            <button class="btn btn-outline-secondary" type="submit">
              {article.coverFileId ? 'Replace the cover' : 'Add the cover'}
            </button>
          </div>
          <div class="form-text" safe>{`JPEG, PNG or WebP, up to ${cover}. It is re-encoded and its metadata removed.`}</div>
        </form>
        {article.coverFileId ? (
          <form method="post" action={`/news/${article.id}/cover/remove`} class="mb-3">
            <CsrfField token={props.csrfToken} />
            <button class="btn btn-link btn-sm p-0" type="submit">
              Remove the cover
            </button>
          </form>
        ) : (
          ''
        )}
        <h2 class="h6">Audio</h2>
        <UploadError text={props.audioError} id="audio-error" />
        <form method="post" action={`/news/${article.id}/audio`} enctype="multipart/form-data" class="mb-2" data-testid="audio-form">
          <CsrfField token={props.csrfToken} />
          <div class="input-group input-group-sm">
            <input class="form-control" type="file" name="file" accept="audio/*" aria-label={`Audio (${AUDIO_EXTENSIONS})`} required />
            <button class="btn btn-outline-secondary" type="submit">
              {article.audioFileId ? 'Replace the audio' : 'Add the audio'}
            </button>
          </div>
          <div class="form-text" safe>{`${AUDIO_EXTENSIONS}, up to ${formatBytes(props.limits.audio)}.`}</div>
        </form>
        {article.audioFileId ? (
          <form method="post" action={`/news/${article.id}/audio/remove`}>
            <CsrfField token={props.csrfToken} />
            <button class="btn btn-link btn-sm p-0" type="submit">
              Remove the audio
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
    </aside>
  );
}

export function ArticlePage(props: ArticlePageProps) {
  const { article } = props;
  const safeBody = props.safeBody;
  const coverIsland = article.mayEdit ? props.page.island('cover-upload') : null;
  const signedIn = props.page.actor !== null;
  return (
    <Layout page={props.page} title={article.title}>
      <div class="col-lg-9 col-xl-8">
        <Breadcrumb steps={[{ label: 'News', href: '/news' }, { label: article.title }]} />
        <article data-testid="news-article">
          {article.coverFileId ? <img class="img-fluid rounded mb-3 news-cover" src={`/news/${article.id}/cover`} alt="" /> : ''}
          <h1 class="h2" safe>
            {article.title}
          </h1>
          <p class="text-secondary small d-flex flex-wrap gap-2 align-items-center">
            <span class="badge text-bg-primary" safe>
              {categoryLabels[article.category]}
            </span>
            <time datetime={article.publishedAt.toISOString()} safe>
              {formatDeadline(article.publishedAt, props.timeZone)}
            </time>
            {article.authorName ? <span safe>{`· ${article.authorName}`}</span> : ''}
            {signedIn ? <span safe>{`· For: ${article.audience === 'groups' ? article.groups.map((g) => g.name).join(', ') || 'no group' : audienceShortLabels[article.audience]}`}</span> : ''}
            {article.updatedAt ? <span safe>{`· changed ${formatDeadline(article.updatedAt, props.timeZone)}`}</span> : ''}
          </p>
          {article.audioFileId ? (
            <figure class="mb-3">
              <figcaption class="small text-secondary mb-1">Listen</figcaption>
              <audio controls="" preload="metadata" src={`/news/${article.id}/audio`} class="w-100">
                <a href={`/news/${article.id}/audio`}>Download the audio</a>
              </audio>
            </figure>
          ) : (
            ''
          )}
          <div class="news-body">{safeBody}</div>
        </article>
        {article.mayEdit ? (
          <>
            <EditorTools article={article} csrfToken={props.page.csrfToken} coverError={props.coverError} audioError={props.audioError} limits={props.limits} />
            {/* The cover form's drop zone, preview and progress (landing/src/islands/cover-upload.tsx);
                the form works without it, also where the landing build is missing. */}
            {coverIsland ? <script type="module" src={coverIsland}></script> : ''}
          </>
        ) : (
          ''
        )}
      </div>
    </Layout>
  );
}
