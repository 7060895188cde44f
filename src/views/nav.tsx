// Role-aware navigation: each entry names the action that shows it, so the menu follows access.ts.
import { can, type Action } from '../access.js';
import type { PageContext } from './page.js';

interface NavEntry {
  href: string;
  label: string;
  action: Action;
  /** Under the Administration menu: the admins' own pages, so the bar fits a laptop's width. */
  admin?: true;
}

const entries: NavEntry[] = [
  { href: '/dashboard', label: 'Dashboard', action: 'dashboard.view' },
  { href: '/students', label: 'Students', action: 'students.view' },
  { href: '/my-record', label: 'My record', action: 'records.viewOwn' },
  { href: '/subjects', label: 'Subjects', action: 'subjects.view' },
  { href: '/my-exercises', label: 'My exercises', action: 'submissions.submit' },
  { href: '/waiting-room', label: 'Waiting Room', action: 'submissions.grade' },
  { href: '/lecturers', label: 'Lecturers', action: 'lecturers.manage' },
  { href: '/groups', label: 'Groups', action: 'groups.view' },
  { href: '/news', label: 'News', action: 'news.read' },
  { href: '/theses', label: 'Theses', action: 'theses.search' },
  { href: '/admin/imports', label: 'Import', action: 'imports.run', admin: true },
  { href: '/admin/accounts', label: 'Accounts', action: 'accounts.list', admin: true },
  { href: '/admin/audit', label: 'Audit trail', action: 'audit.view', admin: true },
];

const isCurrent = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

function AdminMenu({ page, entries: shown }: { page: PageContext; entries: NavEntry[] }) {
  if (shown.length === 0) return '';
  const within = shown.some((e) => isCurrent(page.path, e.href));
  return (
    <li class="nav-item dropdown">
      <a class={`nav-link dropdown-toggle${within ? ' active' : ''}`} href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false" data-testid="admin-menu">
        Administration
      </a>
      <ul class="dropdown-menu">
        {shown.map((e) => {
          const current = isCurrent(page.path, e.href);
          return (
            <li>
              <a class={`dropdown-item${current ? ' active' : ''}`} href={e.href} aria-current={current ? 'page' : undefined} safe>
                {e.label}
              </a>
            </li>
          );
        })}
      </ul>
    </li>
  );
}

/**
 * Where the bar folds into its toggler: wider for more entries, so a link never wraps onto two
 * lines (an admin who lectures has ten entries and a long badge, folded below 1400 px; a student six).
 */
function foldsBelow(entriesShown: number): 'md' | 'lg' | 'xl' | 'xxl' {
  return entriesShown <= 5 ? 'md' : entriesShown <= 7 ? 'lg' : entriesShown <= 9 ? 'xl' : 'xxl';
}

export function Nav({ page }: { page: PageContext }) {
  const actor = page.actor;
  const shown = actor ? entries.filter((e) => can(actor, e.action)) : [];
  const barEntries = shown.filter((e) => !e.admin).length + (shown.some((e) => e.admin) ? 1 : 0);
  return (
    <nav class={`navbar navbar-expand-${foldsBelow(barEntries)} navbar-dark navbar-fms`} aria-label="Main">
      <div class="container-xl">
        <a class="navbar-brand d-flex align-items-center gap-2" href={actor ? '/dashboard' : '/login'}>
          <img src={page.asset('favicon.svg')} alt="" />
          <span>FMS</span>
        </a>
        {actor ? (
          <>
            <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav" aria-controls="main-nav" aria-expanded="false" aria-label="Toggle navigation">
              <span class="navbar-toggler-icon"></span>
            </button>
            <div class="collapse navbar-collapse" id="main-nav">
              <ul class="navbar-nav me-auto">
                {shown
                  .filter((e) => !e.admin)
                  .map((e) => {
                    const current = isCurrent(page.path, e.href);
                    return (
                      <li class="nav-item">
                        <a class={`nav-link${current ? ' active' : ''}`} href={e.href} aria-current={current ? 'page' : undefined} safe>
                          {e.label}
                        </a>
                      </li>
                    );
                  })}
                <AdminMenu page={page} entries={shown.filter((e) => e.admin)} />
              </ul>
              <ul class="navbar-nav">
                <li class="nav-item dropdown">
                  <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false" data-testid="user-menu">
                    <span class="user-name" title={actor.displayName} safe>
                      {actor.displayName}
                    </span>{' '}
                    <span class="badge text-bg-light ms-1" safe>{roleLabel(actor)}</span>
                  </a>
                  <ul class="dropdown-menu dropdown-menu-end">
                    <li><a class="dropdown-item" href="/account/password">Change password</a></li>
                    <li><a class="dropdown-item" href="/account/sessions">Active sessions</a></li>
                    <li><a class="dropdown-item" href="/account/tokens">API tokens</a></li>
                    <li><hr class="dropdown-divider" /></li>
                    <li>
                      <form method="post" action="/logout">
                        <input type="hidden" name="_csrf" value={page.csrfToken} />
                        <button type="submit" class="dropdown-item">Sign out</button>
                      </form>
                    </li>
                  </ul>
                </li>
              </ul>
            </div>
          </>
        ) : page.path === '/news' || page.path.startsWith('/news/') || page.path === '/help' ? (
          // The public news and the help are the pages a visitor reads; from there, the way in.
          <a class="btn btn-light btn-sm ms-auto" href={`/login?next=${encodeURIComponent(page.path)}`}>
            Sign in
          </a>
        ) : (
          ''
        )}
      </div>
    </nav>
  );
}

export function roleLabel(actor: { role: string; isAdmin: boolean }): string {
  if (actor.role === 'lecturer' && actor.isAdmin) return 'lecturer · admin';
  return actor.role;
}
