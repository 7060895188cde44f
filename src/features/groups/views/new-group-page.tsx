import type { FieldMessages } from '../../../lib/errors.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { GroupForm } from './group-form.js';

export function NewGroupPage(props: { page: PageContext; values?: { name?: string; description?: string }; errors?: FieldMessages; message?: string | null }) {
  return (
    <Layout page={props.page} title="New group">
      <div class="col-lg-7 col-xl-6">
        <nav aria-label="breadcrumb">
          <ol class="breadcrumb">
            <li class="breadcrumb-item">
              <a href="/groups">Groups</a>
            </li>
            <li class="breadcrumb-item active" aria-current="page">
              New group
            </li>
          </ol>
        </nav>
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
