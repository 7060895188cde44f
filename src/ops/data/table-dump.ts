// The portable form of a table, readable by either engine and by a person with `zcat | head`:
// JSON lines, a header naming the table and its columns, then one JSON array per row in column
// order. Instants are ISO-8601 text, booleans true/false, calendar dates YYYY-MM-DD, NULL null.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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
    await write(JSON.stringify({ table: table.name, columns: table.columns.map((c) => c.name) } satisfies DumpHeader));
    for await (const batch of readBatches(db, table, 5000)) {
      await write(batch.map((row) => JSON.stringify(row.map((value, i) => toJsonValue(table.name, table.columns[i]!.name, value)))).join('\n'));
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
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]();
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
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line) lines++;
  return Math.max(0, lines - 1);
}
