import { CsrfField, FormAlert, FormField } from '../../../views/form-field.js';
import { Layout } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { FieldMessages } from '../../../lib/errors.js';

export interface LoginPageProps {
  page: PageContext;
  username?: string;
  next?: string;
  message?: string | null;
  errors?: FieldMessages;
  demoLogins?: { username: string; password: string; role: string }[];
}

export function LoginPage(props: LoginPageProps) {
  return (
    <Layout page={props.page} title="Sign in">
      <div class="auth-column">
      <div class="card shadow-sm">
        <div class="card-body p-4">
          <h1 class="h4 mb-1">Sign in to FMS</h1>
          <p class="text-secondary mb-4">Faculty Management System</p>
          <FormAlert message={props.message} />
          <form method="post" action="/login" novalidate>
            <CsrfField token={props.page.csrfToken} />
            {props.next ? <input type="hidden" name="next" value={props.next} /> : ''}
            <FormField name="username" label="Username" value={props.username} errors={props.errors} autocomplete="username" autofocus={!props.username} required maxlength={64} />
            <FormField name="password" label="Password" type="password" errors={props.errors} autocomplete="current-password" autofocus={!!props.username} required />
            <button type="submit" class="btn btn-primary w-100">Sign in</button>
          </form>
        </div>
      </div>
      {props.demoLogins && props.demoLogins.length ? (
        <div class="card shadow-sm">
          <div class="card-body p-4 small">
            <h2 class="h6">Demo department</h2>
            <p class="text-secondary mb-2">Sign in as any of these to look around.</p>
            <table class="table table-sm table-borderless mb-0">
              <tbody>
                {props.demoLogins.map((d) => (
                  <tr>
                    <td safe>{d.role}</td>
                    <td><code safe>{d.username}</code></td>
                    <td><code safe>{d.password}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        ''
      )}
      </div>
    </Layout>
  );
}
