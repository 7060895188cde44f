// The portable form of a table, readable by either engine and by a person with `zcat | head`:
// JSON lines, a header naming the table and its columns, then one JSON array per row in column
// order. Instants are ISO-8601 text, booleans true/false, calendar dates YYYY-MM-DD, NULL null.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Db } from '../../db/index.js';
import { OpsError } from './ops-error.js';
import { readBatches, toJsonValue, type RowValues } from './rows.js';
import type { TableInfo } from './tables.js';

export interface DumpHeader {
  table: string;
  columns: string[];
}

/** Writes every row of the table to `path`; returns how many. */
export async function dumpTable(db: Db, table: TableInfo, path: string, onRows: (n: number) => void = () => {}): Promise<number> {
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {}); // awaited through the races below; this only keeps it from counting as unhandled
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await Promise.race([once(out, 'drain'), failed]);
  };
  let rows = 0;
  try {
    await write(jsonLine({ table: table.name, columns: table.columns.map((c) => c.name) } satisfies DumpHeader));
    for await (const batch of readBatches(db, table, 5000)) {
      await write(batch.map((row) => jsonLine(row.map((value, i) => toJsonValue(table.name, table.columns[i]!.name, value)))).join('\n'));
      rows += batch.length;
      onRows(batch.length);
    }
  } finally {
    out.end();
    await Promise.race([once(out, 'close'), failed]);
  }
  return rows;
}

/** Reads a dump back: its header, then its rows in batches. */
export async function readTableDump(path: string, batchSize: number): Promise<{ header: DumpHeader; batches: AsyncGenerator<RowValues[]> }> {
  const lines = linesOf(path);
  const first = await lines.next();
  if (first.done) throw new OpsError(`${path} is empty: it is not a table dump`);
  const header = JSON.parse(first.value) as DumpHeader;
  async function* batches(): AsyncGenerator<RowValues[]> {
    let batch: RowValues[] = [];
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      if (!next.value) continue;
      batch.push(JSON.parse(next.value) as RowValues);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  return { header, batches: batches() };
}

/** Counts the rows in a dump without parsing them. */
export async function countDumpRows(path: string): Promise<number> {
  let lines = 0;
  for await (const line of linesOf(path)) if (line) lines++;
  return Math.max(0, lines - 1);
}

/**
 * JSON.stringify leaves U+2028 and U+2029 raw inside strings, and node:readline breaks lines at them
 * from Node 24 on: escaped here, a dump line stays one line for any reader.
 */
function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** A dump's lines, split at \n only: archives written before jsonLine hold raw U+2028 and U+2029. */
async function* linesOf(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop()!;
    yield* lines;
  }
  if (rest) yield rest;
}
