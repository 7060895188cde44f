import type { FieldMessages } from '../../../lib/errors.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import { SubjectForm, type SubjectFormValues } from './subject-form.js';

export function NewSubjectPage(props: { page: PageContext; values?: SubjectFormValues; errors?: FieldMessages; message?: string | null }) {
  return (
    <Layout page={props.page} title="New subject">
      <div class="col-lg-8 col-xl-7">
        <Breadcrumb
          steps={[
            { label: 'Subjects', href: '/subjects' },
            { label: 'New subject' },
          ]}
        />
        <PageHeader title="New subject" />
        <div class="card shadow-sm">
          <div class="card-body">
            <SubjectForm action="/subjects" csrfToken={props.page.csrfToken} values={props.values ?? {}} errors={props.errors} message={props.message} submit="Create subject" isNew={true} mayManage={true} />
          </div>
        </div>
      </div>
    </Layout>
  );
}
