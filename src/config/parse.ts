// Small parsers for human-friendly values: durations ("12h", "30m", "45s", "3600") and sizes
// ("16MiB", "16777216", "10M").

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration; a bare number means seconds. Returns milliseconds or null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 's').toLowerCase();
  const value = Number(match[1]) * (durationUnits[unit] ?? 1000);
  return Number.isFinite(value) && value > 0 ? Math.round(value) : null;
}

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Parses a byte size; a bare number means bytes (as Flask's MAX_CONTENT_LENGTH). */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return null;
  const factor = sizeUnits[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  const value = Math.floor(Number(match[1]) * factor);
  return value > 0 ? value : null;
}

export function parseBoolean(text: string): boolean | null {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return null;
}

const rateWindows: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parses a Flask-Limiter style rate: "600 per minute", "10/second", "1000 per 1 hour". */
export function parseRate(text: string): { max: number; windowMs: number } | null {
  const match = /^\s*(\d+)\s*(?:per|\/)\s*(?:1\s*)?(second|minute|hour|day)s?\s*$/i.exec(text);
  if (!match) return null;
  const max = Number(match[1]);
  return max > 0 ? { max, windowMs: rateWindows[match[2]!.toLowerCase()]! } : null;
}
