import type { Children } from '@kitajs/html';
import { formatDeadline, timeFromNow } from '../../../lib/department-time.js';
import { DailyChart } from '../../../views/chart.js';
import { ExerciseStateBadge } from '../../../views/exercise-state.js';
import { formatDateTime } from '../../../views/format.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { formatCount } from '../../../views/pagination.js';
import { categoryLabels } from '../../news/fields.js';
import type { NewsListItem } from '../../news/service.js';
import type { Dashboard, DepartmentCounts } from '../service.js';

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

/** A label for an action: the known ones in words, any other from its name ("material.added": "Material added"). */
function describeAuditAction(action: string): string {
  const known = auditLabels[action];
  if (known) return known;
  const words = action.replace('.', ' ').replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function AdminCounts({ counts }: { counts: DepartmentCounts }) {
  return (
    <div class="row g-3 mb-4" data-testid="admin-counts">
      <Stat label="Students" value={counts.students} href="/students" />
      <Stat label="Lecturers" value={counts.lecturers} href="/lecturers" />
      <Stat label="Groups" value={counts.groups} href="/groups" />
      <Stat label="Subjects" value={counts.subjects} href="/subjects" />
      <Stat label="Accounts" value={counts.accounts} href="/admin/accounts" />
    </div>
  );
}

/** A card with a heading, a body (a list or a table), and a link to the whole list below. */
function Panel(props: { title: string; testid: string; more?: { href: string; label: string }; children: Children }) {
  return (
    <section class="card shadow-sm h-100" data-testid={props.testid} aria-labelledby={`${props.testid}-title`}>
      <h2 class="card-header h6 mb-0" id={`${props.testid}-title`} safe>
        {props.title}
      </h2>
      {props.children}
      {props.more ? (
        <div class="card-footer bg-transparent small">
          <a href={props.more.href} safe>
            {props.more.label}
          </a>
        </div>
      ) : (
        ''
      )}
    </section>
  );
}

function Nothing({ children }: { children: string }) {
  return (
    <p class="card-body text-secondary mb-0" safe>
      {children}
    </p>
  );
}

function LatestNews({ news, timeZone }: { news: readonly NewsListItem[]; timeZone: string }) {
  return (
    <Panel title="Latest news" testid="latest-news" more={{ href: '/news', label: 'All news' }}>
      {news.length === 0 ? (
        <Nothing>No news yet.</Nothing>
      ) : (
        <ul class="list-group list-group-flush">
          {news.map((n) => (
            <li class="list-group-item">
              <a href={`/news/${n.id}`} class="fw-semibold text-decoration-none" safe>
                {n.title}
              </a>
              <div class="small text-secondary">
                <span safe>{categoryLabels[n.category]}</span>
                {' · '}
                <time datetime={n.publishedAt.toISOString()} safe>
                  {formatDeadline(n.publishedAt, timeZone)}
                </time>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function AdminDashboard({ dashboard }: { dashboard: Extract<Dashboard, { kind: 'admin' }> }) {
  const { locked } = dashboard;
  return (
    <section data-testid="dashboard-admin">
      <AdminCounts counts={dashboard.counts} />
      <div class="row g-3 mb-4">
        <div class="col-lg-6">
          <div class="card shadow-sm card-body h-100">
            <DailyChart id="chart-sign-ins" title="Sign-ins per day, last 90 days" counted="Sign-ins" figures={dashboard.activity.map((d) => ({ day: d.day, label: d.label, value: d.signIns }))} />
          </div>
        </div>
        <div class="col-lg-6">
          <div class="card shadow-sm card-body h-100">
            <DailyChart id="chart-hand-ins" title="Hand-ins per day, last 90 days" counted="Hand-ins" figures={dashboard.activity.map((d) => ({ day: d.day, label: d.label, value: d.handIns }))} />
          </div>
        </div>
      </div>
      <div class="row g-3">
        <div class="col-lg-7">
          <Panel title="Recent activity" testid="recent-activity" more={{ href: '/admin/audit', label: 'The whole audit trail' }}>
            {dashboard.recent.length === 0 ? (
              <Nothing>Nothing yet.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {dashboard.recent.map((e) => (
                  <li class="list-group-item d-flex justify-content-between align-items-baseline gap-3">
                    <span>
                      <span safe>{describeAuditAction(e.action)}</span>{' '}
                      <span class="text-secondary" safe>{`${e.entityId ? `#${e.entityId} ` : ''}by ${e.actorUsername ?? 'system'}`}</span>
                    </span>
                    <span class="text-secondary small text-nowrap" safe>{formatDateTime(e.at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
        <div class="col-lg-5">
          <Panel title={locked.total === 0 ? 'Accounts locked now' : `Accounts locked now: ${locked.atLeast ? 'over ' : ''}${formatCount(locked.total)}`} testid="locked-accounts">
            {locked.rows.length === 0 ? (
              <Nothing>None: no account is locked after failed sign-ins.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {locked.rows.map((a) => (
                  <li class="list-group-item d-flex justify-content-between align-items-baseline gap-3">
                    <a href={`/admin/accounts/${a.id}`} safe>
                      {`${a.displayName} (${a.username})`}
                    </a>
                    <span class="text-secondary small text-nowrap" safe>{`until ${formatDateTime(a.lockedUntil)}`}</span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>
    </section>
  );
}

function LecturerDashboard({ dashboard, adminSummary, timeZone, now }: { dashboard: Extract<Dashboard, { kind: 'lecturer' }>; adminSummary: DepartmentCounts | null; timeZone: string; now: Date }) {
  return (
    <section data-testid="dashboard-lecturer">
      <div class="row g-3 mb-4">
        <Stat label="Groups taught" value={dashboard.groupsTaught} href="/groups" />
        <Stat label="Subjects taught" value={dashboard.subjects.length} href="/subjects" />
        <Stat label="In the Waiting Room" value={dashboard.waiting} href="/waiting-room" />
      </div>
      <div class="row g-3 mb-4">
        <div class="col-lg-7">
          <Panel title="Your subjects" testid="my-subjects" more={{ href: '/waiting-room', label: 'Open the Waiting Room' }}>
            {dashboard.subjects.length === 0 ? (
              <Nothing>No teaching assigned yet.</Nothing>
            ) : (
              <div class="table-responsive">
                <table class="table mb-0">
                  <thead>
                    <tr>
                      <th scope="col">Subject</th>
                      <th scope="col">Groups</th>
                      <th scope="col" class="text-end">
                        Waiting
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {dashboard.subjects.map((s) => (
                      <tr>
                        <td>
                          <a href={`/subjects/${s.id}`} safe>
                            {s.name}
                          </a>
                        </td>
                        <td safe>{s.groups.join(', ')}</td>
                        <td class="text-end">{s.waiting > 0 ? <span class="badge text-bg-warning" safe>{formatCount(s.waiting)}</span> : <span class="text-secondary">0</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Panel>
        </div>
        <div class="col-lg-5">
          <Panel title="Due this week" testid="due-this-week">
            {dashboard.dueThisWeek.length === 0 ? (
              <Nothing>Nothing falls due in the next seven days.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {dashboard.dueThisWeek.map((e) => (
                  <li class="list-group-item">
                    <a href={`/exercises/${e.id}`} class="fw-semibold text-decoration-none" safe>
                      {e.title}
                    </a>
                    <div class="small text-secondary" safe>
                      {`${e.subjectName} · ${e.groups.map((g) => g.name).join(', ')}`}
                    </div>
                    <div class="small">
                      <time datetime={e.dueAt!.toISOString()} safe>
                        {formatDeadline(e.dueAt!, timeZone)}
                      </time>
                      <span class="text-secondary" safe>{` (${timeFromNow(e.dueAt!, now)})`}</span>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>
      <div class="row g-3 mb-4">
        <div class="col-lg-7">
          <LatestNews news={dashboard.news} timeZone={timeZone} />
        </div>
      </div>
      {adminSummary ? <AdminCounts counts={adminSummary} /> : ''}
    </section>
  );
}

function StudentDashboard({ dashboard, timeZone, now }: { dashboard: Extract<Dashboard, { kind: 'student' }>; timeZone: string; now: Date }) {
  return (
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
      <div class="row g-3 mb-4">
        <div class="col-lg-6">
          <Panel title="Upcoming deadlines" testid="upcoming-deadlines" more={{ href: '/my-exercises', label: 'All my exercises' }}>
            {dashboard.overdue > 0 ? (
              <p class="card-body border-bottom mb-0 py-2 small">
                <a href="/my-exercises" class="link-danger" safe>
                  {`${formatCount(dashboard.overdue)} overdue with nothing sent`}
                </a>
              </p>
            ) : (
              ''
            )}
            {dashboard.deadlines.length === 0 ? (
              <Nothing>Nothing to hand in: no open exercise has a due time ahead.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {dashboard.deadlines.map((m) => (
                  <li class="list-group-item">
                    <div class="d-flex justify-content-between align-items-baseline gap-2">
                      <a href={`/exercises/${m.exercise.id}`} class="fw-semibold text-decoration-none" safe>
                        {m.exercise.title}
                      </a>
                      <ExerciseStateBadge state={m.state} />
                    </div>
                    <div class="small text-secondary" safe>
                      {m.exercise.subjectName}
                    </div>
                    <div class="small">
                      <strong safe>{timeFromNow(m.exercise.dueAt!, now).replace(/^in /, '')}</strong>
                      {' left · due '}
                      <time datetime={m.exercise.dueAt!.toISOString()} safe>
                        {formatDeadline(m.exercise.dueAt!, timeZone)}
                      </time>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
        <div class="col-lg-6">
          <Panel title="Latest scores" testid="latest-scores" more={{ href: '/my-record', label: 'All my scores' }}>
            {dashboard.scores.length === 0 ? (
              <Nothing>No scores yet.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {dashboard.scores.map((m) => (
                  <li class="list-group-item d-flex justify-content-between align-items-center gap-3">
                    <span>
                      <span class="fw-semibold" safe>
                        {m.exercise.title}
                      </span>
                      <span class="d-block small text-secondary" safe>
                        {`${m.exercise.subjectName} · ${formatDeadline(m.scoredAt!, timeZone)}`}
                      </span>
                    </span>
                    <span class="badge text-bg-primary fs-6" title="Score (1 to 6)" safe>
                      {String(m.score)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>
      <div class="row g-3 mb-4">
        <div class="col-lg-6">
          <Panel title="Your subjects" testid="student-subjects">
            {dashboard.subjects.length === 0 ? (
              <Nothing>No subjects yet.</Nothing>
            ) : (
              <ul class="list-group list-group-flush">
                {dashboard.subjects.map((s) => (
                  <li class="list-group-item">
                    <a href={`/subjects/${s.id}`} class="fw-semibold text-decoration-none" safe>
                      {s.name}
                    </a>
                    {s.lecturerName ? <div class="small text-secondary" safe>{s.lecturerName}</div> : ''}
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
        <div class="col-lg-6">
          <LatestNews news={dashboard.news} timeZone={timeZone} />
        </div>
      </div>
    </section>
  );
}

export function DashboardPage({ page, dashboard, adminSummary, timeZone, now }: { page: PageContext; dashboard: Dashboard; adminSummary: DepartmentCounts | null; timeZone: string; now: Date }) {
  const name = page.actor?.displayName ?? '';
  return (
    <Layout page={page} title="Dashboard" assets={dashboard.kind === 'admin' ? ['uplot.css', 'uplot.js', 'charts.js'] : []}>
      <PageHeader title={`Welcome, ${name}`} />
      {dashboard.kind === 'admin' ? (
        <AdminDashboard dashboard={dashboard} />
      ) : dashboard.kind === 'lecturer' ? (
        <LecturerDashboard dashboard={dashboard} adminSummary={adminSummary} timeZone={timeZone} now={now} />
      ) : dashboard.kind === 'student' ? (
        <StudentDashboard dashboard={dashboard} timeZone={timeZone} now={now} />
      ) : (
        <p class="text-secondary">Your account is not linked to a student or lecturer record yet. Ask the department administrator.</p>
      )}
    </Layout>
  );
}
