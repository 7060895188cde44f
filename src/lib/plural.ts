/** "1 error", "2 errors", "1,234 data rows": a count and its word, for messages. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}
