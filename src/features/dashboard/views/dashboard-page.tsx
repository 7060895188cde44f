import { formatCount } from '../../../views/pagination.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import type { Dashboard } from '../service.js';

function Stat({ label, value, href }: { label: string; value: number; href?: string }) {
  const body = (
    <div class="card-body">
      <div class="stat-value" safe>{formatCount(value)}</div>
      <div class="stat-label" safe>{label}</div>
    </div>
  );
  return <div class="col-6 col-md-4 col-xl">{href ? <a class="card stat-card shadow-sm text-decoration-none h-100" href={href}>{body}</a> : <div class="card stat-card shadow-sm h-100">{body}</div>}</div>;
}

const auditLabels: Record<string, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_out': 'Signed out',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.sign_in_refused': 'Sign-in refused',
  'auth.locked': 'Account locked',
  'auth.client_locked': 'Sign-in locked for one address',
  'auth.password_check_failed': 'Wrong current password',
  'auth.password_changed': 'Password changed',
  'auth.session_ended': 'Session ended',
  'auth.sessions_ended': 'Other sessions ended',
  'account.created': 'Account created',
  'account.password_reset': 'Password reset',
  'account.disabled': 'Account disabled',
  'account.enabled': 'Account enabled',
  'account.updated': 'Account changed',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'group.created': 'Group created',
  'group.updated': 'Group changed',
  'group.archived': 'Group archived',
  'group.restored': 'Group restored',
  'student.created': 'Student added',
  'student.updated': 'Student changed',
  'student.archived': 'Student archived',
  'student.restored': 'Student restored',
  'student.photo_changed': 'Student photo changed',
  'student.photo_removed': 'Student photo removed',
  'lecturer.created': 'Lecturer added',
  'lecturer.updated': 'Lecturer changed',
  'lecturer.archived': 'Lecturer archived',
  'lecturer.restored': 'Lecturer restored',
  'lecturer.photo_changed': 'Lecturer photo changed',
  'lecturer.photo_removed': 'Lecturer photo removed',
  'import.applied': 'Import applied',
  'import.credentials_downloaded': 'Import credentials downloaded',
};

function describeAuditAction(action: string): string {
  return auditLabels[action] ?? action;
}

type Counts = { students: number; lecturers: number; groups: number; subjects: number; accounts: number };

function AdminCounts({ counts }: { counts: Counts }) {
  return (
    <div class="row g-3 mb-4" data-testid="admin-counts">
      <Stat label="Students" value={counts.students} />
      <Stat label="Lecturers" value={counts.lecturers} />
      <Stat label="Groups" value={counts.groups} />
      <Stat label="Subjects" value={counts.subjects} />
      <Stat label="Accounts" value={counts.accounts} href="/admin/accounts" />
    </div>
  );
}

export function DashboardPage({ page, dashboard, adminSummary }: { page: PageContext; dashboard: Dashboard; adminSummary: Counts | null }) {
  const name = page.actor?.displayName ?? '';
  return (
    <Layout page={page} title="Dashboard">
      <PageHeader title={`Welcome, ${name}`} />
      {dashboard.kind === 'admin' ? (
        <section data-testid="dashboard-admin">
          <AdminCounts counts={dashboard.counts} />
          <div class="card shadow-sm">
            <div class="card-header">Recent activity</div>
            <ul class="list-group list-group-flush">
              {dashboard.recent.length === 0 ? (
                <li class="list-group-item text-secondary">Nothing yet.</li>
              ) : (
                dashboard.recent.map((e) => (
                  <li class="list-group-item d-flex justify-content-between align-items-baseline gap-3">
                    <span>
                      <span safe>{describeAuditAction(e.action)}</span>{' '}
                      <span class="text-secondary" safe>{`${e.entityId ? `#${e.entityId} ` : ''}by ${e.actorUsername ?? 'system'}`}</span>
                    </span>
                    <span class="text-secondary small text-nowrap" safe>{formatDateTime(e.at)}</span>
                  </li>
                ))
              )}
            </ul>
          </div>
        </section>
      ) : dashboard.kind === 'lecturer' ? (
        <section data-testid="dashboard-lecturer">
          <div class="row g-3 mb-4">
            <Stat label="Groups taught" value={new Set(dashboard.teaching.map((t) => t.groupId)).size} />
            <Stat label="Subjects taught" value={new Set(dashboard.teaching.map((t) => t.subjectId)).size} />
            <Stat label="In the Waiting Room" value={dashboard.waiting} />
          </div>
          <div class="card shadow-sm mb-4">
            <div class="card-header">Your teaching</div>
            <div class="table-responsive">
              <table class="table mb-0">
                <thead>
                  <tr>
                    <th>Subject</th>
                    <th>Group</th>
                    <th class="text-end">Students</th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.teaching.length === 0 ? (
                    <tr>
                      <td colspan="3" class="text-secondary">No teaching assigned yet.</td>
                    </tr>
                  ) : (
                    dashboard.teaching.map((t) => (
                      <tr>
                        <td safe>{t.subjectName}</td>
                        <td safe>{t.groupName}</td>
                        <td class="text-end" safe>{String(t.studentCount ?? 0)}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </div>
          {adminSummary ? <AdminCounts counts={adminSummary} /> : ''}
        </section>
      ) : dashboard.kind === 'student' ? (
        <section data-testid="dashboard-student">
          {dashboard.student ? (
            <p class="text-secondary mb-4">
              <span class="text-nowrap">
                Student number <strong safe>{dashboard.student.studentNumber}</strong>
              </span>
              {dashboard.student.groupName ? (
                <span class="text-nowrap">
                  {' · Group '}
                  <strong safe>{dashboard.student.groupName}</strong>
                </span>
              ) : (
                ''
              )}
            </p>
          ) : (
            ''
          )}
          <div class="card shadow-sm">
            <div class="card-header">Your subjects</div>
            <ul class="list-group list-group-flush">
              {dashboard.subjects.length === 0 ? (
                <li class="list-group-item text-secondary">No subjects yet.</li>
              ) : (
                dashboard.subjects.map((s) => (
                  <li class="list-group-item">
                    <div class="fw-semibold" safe>{s.name}</div>
                    <div class="small text-secondary" safe>{s.lecturerName ? `${s.lecturerName} · ${s.description}` : s.description}</div>
                  </li>
                ))
              )}
            </ul>
          </div>
        </section>
      ) : (
        <p class="text-secondary">Your account is not linked to a student or lecturer record yet. Ask the department administrator.</p>
      )}
    </Layout>
  );
}
