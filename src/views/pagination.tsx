export function Pagination({ page, pageSize, total, href }: { page: number; pageSize: number; total: number; href: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return '';
  return (
    <nav aria-label="Pages">
      <ul class="pagination">
        <li class={`page-item${page <= 1 ? ' disabled' : ''}`}>
          <a class="page-link" href={href(Math.max(1, page - 1))}>Previous</a>
        </li>
        <li class="page-item disabled">
          <span class="page-link" safe>{`Page ${page} of ${pages}`}</span>
        </li>
        <li class={`page-item${page >= pages ? ' disabled' : ''}`}>
          <a class="page-link" href={href(Math.min(pages, page + 1))}>Next</a>
        </li>
      </ul>
    </nav>
  );
}
