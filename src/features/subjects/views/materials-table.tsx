import { formatBytes } from '../../../lib/bytes.js';
import { formatDeadline } from '../../../lib/department-time.js';
import type { MaterialView } from '../materials.js';

/** What a file is, as a short label on a coloured tile (the icon), from its type and name. */
export function fileKind(contentType: string, name: string): { label: string; kind: string } {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (contentType === 'application/pdf' || extension === 'pdf') return { label: 'PDF', kind: 'pdf' };
  if (/^image\//.test(contentType)) return { label: 'IMG', kind: 'image' };
  if (/^(audio|video)\//.test(contentType)) return { label: contentType.startsWith('audio') ? 'AUD' : 'VID', kind: 'media' };
  if (['doc', 'docx', 'odt', 'rtf'].includes(extension) || /word|opendocument\.text/.test(contentType)) return { label: 'DOC', kind: 'doc' };
  if (['xls', 'xlsx', 'ods', 'csv'].includes(extension) || /sheet|excel|csv/.test(contentType)) return { label: 'XLS', kind: 'sheet' };
  if (['ppt', 'pptx', 'odp'].includes(extension) || /presentation|powerpoint/.test(contentType)) return { label: 'PPT', kind: 'slides' };
  if (['zip', 'gz', 'tgz', '7z', 'rar', 'tar', 'bz2', 'xz'].includes(extension) || /zip|compressed|tar|gzip/.test(contentType)) return { label: 'ZIP', kind: 'archive' };
  if (/^text\//.test(contentType) || ['txt', 'md'].includes(extension)) return { label: 'TXT', kind: 'text' };
  return { label: extension ? extension.toUpperCase().slice(0, 4) : 'FILE', kind: 'other' };
}

export function FileIcon(props: { contentType: string; name: string }) {
  const { label, kind } = fileKind(props.contentType, props.name);
  return (
    <span class={`file-icon file-icon-${kind}`} aria-hidden="true" safe>
      {label}
    </span>
  );
}

/**
 * A subject's materials: title, file, size and date, each a download link. Teachers also get
 * Replace and Delete (forms posting to the material's address).
 */
export function MaterialsTable(props: { materials: readonly MaterialView[]; mayTeach: boolean; csrfToken: string; testId?: string; /** When they were added, in the department's zone (TIMEZONE), as deadlines are. */ timeZone: string }) {
  if (props.materials.length === 0) return <p class="text-secondary fst-italic mb-0">No materials yet.</p>;
  return (
    <div class="table-responsive">
      <table class="table table-sm align-middle mb-0" data-testid={props.testId ?? 'materials-table'}>
        <thead>
          <tr>
            <th scope="col">Material</th>
            <th scope="col" class="text-end">
              Size
            </th>
            <th scope="col">Added</th>
            {props.mayTeach ? <th scope="col" class="text-end">Actions</th> : ''}
          </tr>
        </thead>
        <tbody>
          {props.materials.map((m) => (
            <tr>
              <td>
                <div class="d-flex align-items-center gap-2">
                  <FileIcon contentType={m.contentType} name={m.originalName} />
                  <div>
                    <a class="fw-semibold" href={`/materials/${m.id}/file`} safe>
                      {m.title}
                    </a>
                    <div class="small text-secondary text-break" safe>
                      {m.originalName}
                    </div>
                  </div>
                </div>
              </td>
              <td class="text-end text-nowrap" safe>
                {formatBytes(m.size)}
              </td>
              <td class="text-nowrap small" safe>
                {formatDeadline(m.updatedAt ?? m.createdAt, props.timeZone)}
              </td>
              {props.mayTeach ? (
                <td class="text-end">
                  <div class="d-inline-flex gap-1 align-items-start">
                    <details class="row-form">
                      <summary class="btn btn-sm btn-outline-secondary">Replace</summary>
                      <form class="card card-body shadow-sm p-2" method="post" action={`/materials/${m.id}/file`} enctype="multipart/form-data">
                        <input type="hidden" name="_csrf" value={props.csrfToken} />
                        <label class="form-label small mb-1" for={`replace-${m.id}`} safe>
                          {`A new file for ${m.title}`}
                        </label>
                        <input class="form-control form-control-sm mb-2" type="file" id={`replace-${m.id}`} name="file" required />
                        <button class="btn btn-sm btn-primary" type="submit">
                          Upload the new file
                        </button>
                      </form>
                    </details>
                    <form method="post" action={`/materials/${m.id}/delete`} data-confirm="Delete this material? Students will no longer see it.">
                      <input type="hidden" name="_csrf" value={props.csrfToken} />
                      <button class="btn btn-sm btn-outline-danger" type="submit">
                        Delete
                      </button>
                    </form>
                  </div>
                </td>
              ) : (
                ''
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
