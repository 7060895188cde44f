// The lists a form sends besides its declared fields: ticked checkboxes (several values under one
// name), and names one a line with an "Add" box beside them (views/names-field.tsx).

/** Every value of a ticked-checkbox field as sent: none, one, or several under the same name. */
export function tickedValues(body: Record<string, unknown> | undefined, name: string): string[] {
  const ticked = body?.[name];
  return (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked]).filter((v): v is string => typeof v === 'string');
}

/**
 * Ticked ids for a service: whole numbers as numbers, anything else as sent, so the service's
 * schema refuses it with its own message rather than the form dropping it unseen.
 */
export function idsFromForm(ticked: readonly string[]): (number | string)[] {
  return ticked.map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : id));
}

/** The list one a line, with what the "Add" box holds as one more line (once); undefined stays undefined. */
export function linesWithAdded(list: string | undefined, added: string | undefined): string | undefined {
  const extra = added?.trim();
  if (!extra) return list;
  const lines = (list ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
  return [...lines, ...(lines.includes(extra) ? [] : [extra])].join('\n');
}
