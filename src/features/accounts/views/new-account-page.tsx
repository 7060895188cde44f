import type { FieldMessages } from '../../../lib/errors.js';
import { CsrfField, FormAlert, FormField, SelectField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';

export function NewAccountPage(props: { page: PageContext; values?: Record<string, string>; errors?: FieldMessages; message?: string | null }) {
  const v = props.values ?? {};
  return (
    <Layout page={props.page} title="New account">
      <div class="col-lg-6">
        <PageHeader title="New account" />
        <FormAlert message={props.message} />
        <div class="card shadow-sm">
          <div class="card-body">
            <form method="post" action="/admin/accounts" novalidate>
              <CsrfField token={props.page.csrfToken} />
              <FormField name="username" label="Username" value={v.username} errors={props.errors} required maxlength={64} help="Letters, digits, dots, dashes and underscores." />
              <FormField name="displayName" label="Full name" value={v.displayName} errors={props.errors} maxlength={200} />
              <SelectField
                name="role"
                label="Role"
                value={v.role ?? 'student'}
                errors={props.errors}
                options={[
                  { value: 'student', label: 'Student' },
                  { value: 'lecturer', label: 'Lecturer' },
                  { value: 'admin', label: 'Administrator' },
                ]}
              />
              <p class="text-secondary small">A one-time password is generated and shown once; its owner chooses their own at the first sign-in.</p>
              <button class="btn btn-primary" type="submit">Create account</button>
            </form>
          </div>
        </div>
      </div>
    </Layout>
  );
}
