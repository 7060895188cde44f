// The audit trail as pages show it: one table of entries (the admin's audit page, and the history on
// each record's page) with each entry's before/after snapshots turned into a field-by-field list of
// what changed. Snapshots are JSON written by the services; they are parsed defensively (a value
// that is not an object, or not JSON at all, is still shown) and every value is escaped.

/** An audit entry as the views need it (the audit service's entries have this shape). */
export interface AuditEntryProps {
  id: number;
  at: Date;
  action: string;
  entity: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
  actorId: number | null;
  actorUsername: string | null;
  actorName?: string | null;
  /** The labels of the record kind's fields (absent: fields show as recorded). */
  fieldLabels?: FieldLabels;
}

const ABSENT = Symbol('absent');
type Snapshot = Map<string, unknown>;

/** A stored snapshot as field → value. Not an object: one field named "value". Not JSON: the text itself. */
export function parseSnapshot(text: string | null): Snapshot | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new Map([['value', text]]);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return new Map(Object.entries(value));
  return new Map([['value', value]]);
}

export interface FieldChange {
  field: string;
  /** ABSENT when the field is not in that snapshot (a creation has no before). */
  before: unknown;
  after: unknown;
}

/** The fields whose values differ between the snapshots, in the after snapshot's order, then the removed ones. */
export function auditChanges(before: string | null, after: string | null): FieldChange[] {
  const was = parseSnapshot(before) ?? new Map<string, unknown>();
  const is = parseSnapshot(after) ?? new Map<string, unknown>();
  // A form's random id (kept so a reloaded page cannot act twice) is no change to show.
  const fields = [...is.keys(), ...[...was.keys()].filter((k) => !is.has(k))].filter((k) => k !== 'formId');
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const b = was.has(field) ? was.get(field) : ABSENT;
    const a = is.has(field) ? is.get(field) : ABSENT;
    if (b !== ABSENT && a !== ABSENT && JSON.stringify(b) === JSON.stringify(a)) continue;
    changes.push({ field, before: b, after: a });
  }
  return changes;
}

const MAX_VALUE_LENGTH = 1000;

function displayValue(value: unknown): { text: string; muted: boolean } {
  if (value === ABSENT) return { text: '—', muted: true };
  if (value === null) return { text: 'none', muted: true };
  if (value === '') return { text: '(empty)', muted: true };
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { text: text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text, muted: false };
}

function Value({ value }: { value: unknown }) {
  const shown = displayValue(value);
  return <span class={shown.muted ? 'text-secondary fst-italic' : 'audit-value'} safe>{shown.text}</span>;
}

/** Field name -> the label the forms use (features/audit/field-labels.ts derives them from each kind's fields). */
export type FieldLabels = Readonly<Record<string, string>>;

function fieldLabel(field: string, labels: FieldLabels | undefined): string {
  return labels?.[field] ?? field;
}

/** What changed in one entry as one line of text, for exports: "Phone: 061 → 062; Group (id): 3 → 4". */
export function auditChangesText(before: string | null, after: string | null, labels?: FieldLabels): string {
  return auditChanges(before, after)
    .map((c) => `${fieldLabel(c.field, labels)}: ${displayValue(c.before).text} → ${displayValue(c.after).text}`)
    .join('; ');
}

/** What changed in one entry, folded in a <details> (no script: the CSP allows none inline). */
export function AuditChanges({ before, after, labels }: { before: string | null; after: string | null; labels?: FieldLabels }) {
  const changes = auditChanges(before, after);
  if (changes.length === 0) return <span class="text-secondary small">{before === null && after === null ? 'No details recorded' : 'No field changed'}</span>;
  const names = changes.map((c) => fieldLabel(c.field, labels));
  const summary = `${changes.length} field${changes.length === 1 ? '' : 's'}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`;
  return (
    <details class="audit-changes">
      <summary class="small" safe>{summary}</summary>
      <table class="table table-sm table-bordered mt-2 mb-0 small">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr>
              <th scope="row" class="fw-normal" safe>
                {fieldLabel(c.field, labels)}
              </th>
              <td class="text-break">
                <Value value={c.before} />
              </td>
              <td class="text-break">
                <Value value={c.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Where each kind of record has its page (the routes' prefixes in app.ts). */
const recordPages: Record<string, string> = {
  student: '/students/',
  lecturer: '/lecturers/',
  group: '/groups/',
  subject: '/subjects/',
  exercise: '/exercises/',
  news: '/news/',
  user: '/admin/accounts/',
};

/** The admin page of the record an entry names, when it has one. */
export function recordHref(entity: string, entityId: string | null): string | null {
  const base = Object.hasOwn(recordPages, entity) ? recordPages[entity] : undefined;
  return base && entityId && /^\d{1,15}$/.test(entityId) ? `${base}${entityId}` : null;
}

/** Seconds matter in a trail: 2026-03-01 14:05:09 UTC. */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function Actor({ entry, filterLinks }: { entry: AuditEntryProps; filterLinks: boolean }) {
  if (entry.actorUsername) {
    const name = entry.actorName && entry.actorName !== entry.actorUsername ? entry.actorName : null;
    return (
      <>
        {filterLinks ? (
          <a href={`/admin/audit?${new URLSearchParams({ actor: entry.actorUsername }).toString()}`} title="Everything this account did" safe>
            {entry.actorUsername}
          </a>
        ) : (
          <span safe>{entry.actorUsername}</span>
        )}
        {name ? <div class="small text-secondary" safe>{name}</div> : ''}
      </>
    );
  }
  if (entry.actorId === null) return <span class="text-secondary">system</span>;
  return <span class="text-secondary" safe>{`account #${entry.actorId} (deleted)`}</span>;
}

function Record({ entry }: { entry: AuditEntryProps }) {
  const label = entry.entityId ? `${entry.entity} #${entry.entityId}` : entry.entity;
  const href = recordHref(entry.entity, entry.entityId);
  return href ? <a href={href} safe>{label}</a> : <span safe>{label}</span>;
}

/** Entries newest first; the audit page shows the record and the address, a record's page need not. */
export function AuditEntriesTable({ entries, showRecord, showIp = showRecord, filterLinks = showRecord }: { entries: AuditEntryProps[]; showRecord: boolean; showIp?: boolean; filterLinks?: boolean }) {
  const columns = 4 + (showRecord ? 1 : 0) + (showIp ? 1 : 0);
  return (
    <div class="table-responsive">
      <table class="table table-hover align-top mb-0" data-testid="audit-entries">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            {showRecord ? <th scope="col">Record</th> : ''}
            {showIp ? <th scope="col">From</th> : ''}
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 ? (
            <tr>
              <td colspan={String(columns)} class="text-secondary">
                No entries.
              </td>
            </tr>
          ) : (
            entries.map((e) => (
              <tr data-entry-id={String(e.id)}>
                <td class="text-nowrap small">
                  <time datetime={e.at.toISOString()} safe>{formatInstant(e.at)}</time>
                </td>
                <td>
                  <Actor entry={e} filterLinks={filterLinks} />
                </td>
                <td>
                  <code safe>{e.action}</code>
                </td>
                {showRecord ? (
                  <td class="text-nowrap">
                    <Record entry={e} />
                  </td>
                ) : (
                  ''
                )}
                {showIp ? <td class="small text-nowrap" safe>{e.ip ?? '—'}</td> : ''}
                <td>
                  <AuditChanges before={e.before} after={e.after} labels={e.fieldLabels} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A record's own history for its page (students, lecturers, groups, accounts): pass the result of
 * the audit service's recordHistory(ctx, entity, id), shown to admins only.
 */
export function RecordHistory({ entries, more = false, trailHref, title = 'History' }: { entries: AuditEntryProps[]; more?: boolean; trailHref?: string; title?: string }) {
  return (
    <section class="card shadow-sm mt-4" aria-labelledby="record-history-title" data-testid="record-history">
      <div class="card-header d-flex justify-content-between align-items-center">
        <h2 class="h6 mb-0" id="record-history-title" safe>{title}</h2>
        {trailHref ? (
          <a class="small" href={trailHref}>
            {more ? 'Older entries in the audit trail' : 'Open in the audit trail'}
          </a>
        ) : (
          ''
        )}
      </div>
      {entries.length === 0 ? <div class="card-body text-secondary">No changes recorded.</div> : <AuditEntriesTable entries={entries} showRecord={false} showIp={false} filterLinks={false} />}
    </section>
  );
}
