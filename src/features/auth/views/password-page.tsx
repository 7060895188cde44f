import { CsrfField, FormAlert, FormField } from '../../../views/form-field.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { FieldMessages } from '../../../lib/errors.js';
import { MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from '../../../lib/passwords.js';

export function PasswordPage(props: {
  page: PageContext;
  mustChange: boolean;
  /** The user's API tokens that still work: the form offers to revoke them. */
  activeTokens: number;
  message?: string | null;
  errors?: FieldMessages;
  values?: { revokeTokens?: boolean };
}) {
  return (
    <Layout page={props.page} title="Change password">
      <div class="col-lg-6">
        <PageHeader title="Change password" />
        {props.mustChange ? (
          <div class="alert alert-warning">You signed in with a one-time password. Choose your own password to continue.</div>
        ) : (
          ''
        )}
        <FormAlert message={props.message} />
        <div class="card shadow-sm">
          <div class="card-body">
            <form method="post" action="/account/password" novalidate>
              <CsrfField token={props.page.csrfToken} />
              <FormField name="currentPassword" label="Current password" type="password" errors={props.errors} autocomplete="current-password" required />
              <FormField
                name="newPassword"
                label="New password"
                type="password"
                errors={props.errors}
                autocomplete="new-password"
                required
                help={`${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; any characters, spaces included. A passphrase of several unrelated words is easiest to remember. Common, breached and easily guessed passwords are refused.`}
              />
              <FormField name="confirmPassword" label="Repeat the new password" type="password" errors={props.errors} autocomplete="new-password" required />
              {props.activeTokens > 0 ? (
                <div class="form-check mb-3">
                  <input class="form-check-input" type="checkbox" id="field-revokeTokens" name="revokeTokens" value="true" checked={props.values?.revokeTokens === true} />
                  <label class="form-check-label" for="field-revokeTokens" safe>
                    {props.activeTokens === 1
                      ? 'Also revoke my API token (scripts using it stop working)'
                      : `Also revoke my ${props.activeTokens} API tokens (scripts using them stop working)`}
                  </label>
                  <div class="form-text">Do this if you change your password because someone else may know it.</div>
                </div>
              ) : (
                ''
              )}
              <button type="submit" class="btn btn-primary">Change password</button>
            </form>
          </div>
        </div>
        <p class="text-secondary small mt-3">
          Changing your password signs you out everywhere else. Wrong current passwords count toward the sign-in lockout: after 5 within 15 minutes, wait 15 minutes.
        </p>
      </div>
    </Layout>
  );
}
