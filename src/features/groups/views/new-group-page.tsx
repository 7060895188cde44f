import type { FieldMessages } from '../../../lib/errors.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import { GroupForm } from './group-form.js';

export function NewGroupPage(props: { page: PageContext; values?: Readonly<Record<string, string | undefined>>; errors?: FieldMessages; message?: string | null }) {
  return (
    <Layout page={props.page} title="New group">
      <div class="col-lg-7 col-xl-6">
        <Breadcrumb
          steps={[
            { label: 'Groups', href: '/groups' },
            { label: 'New group' },
          ]}
        />
        <PageHeader title="New group" />
        <div class="card shadow-sm">
          <div class="card-body">
            <GroupForm action="/groups" csrfToken={props.page.csrfToken} values={props.values ?? {}} errors={props.errors} message={props.message} submit="Create group" />
          </div>
        </div>
      </div>
    </Layout>
  );
}
