// How dates read on pages: ISO-like and unambiguous across locales.
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '—';
  return value.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
