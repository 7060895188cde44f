import type { FieldMessages } from '../../../lib/errors.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import type { GroupChoice } from '../../../views/group-checkboxes.js';
import { NewsForm, type NewsFormValues } from './news-form.js';

export interface NewsFormPageProps {
  page: PageContext;
  /** The article being changed; absent for a new one. */
  article?: { id: number; title: string };
  groups: readonly GroupChoice[] | null;
  values?: NewsFormValues;
  errors?: FieldMessages;
  message?: string | null;
}

export function NewsFormPage(props: NewsFormPageProps) {
  const title = props.article ? `Change ${props.article.title}` : 'Publish an article';
  return (
    <Layout page={props.page} title={title}>
      <div class="col-lg-9 col-xl-8">
        <Breadcrumb steps={[{ label: 'News', href: '/news' }, ...(props.article ? [{ label: props.article.title, href: `/news/${props.article.id}` }] : []), { label: props.article ? 'Change' : 'Publish' }]} />
        <PageHeader title={title} />
        <div class="card shadow-sm">
          <div class="card-body">
            <NewsForm
              action={props.article ? `/news/${props.article.id}` : '/news'}
              csrfToken={props.page.csrfToken}
              values={props.values ?? {}}
              errors={props.errors}
              message={props.message}
              groups={props.groups}
              submit={props.article ? 'Save changes' : 'Publish'}
            />
          </div>
        </div>
        {props.article ? '' : <p class="form-text mt-2">It is published as soon as you send it. Add a cover image and audio on its page afterwards.</p>}
      </div>
    </Layout>
  );
}
