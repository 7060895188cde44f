// Reading an export back in tests: an xlsx's first sheet or a CSV body as rows of text.
import ExcelJS from 'exceljs';

export async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) => {
    const values = row.values as unknown[];
    // Empty cells are holes in ExcelJS's array: Array.from turns them into ''.
    rows.push(Array.from(values.slice(1), (v) => (v === null || v === undefined ? '' : String(v))));
  });
  return rows;
}

/** The CSV's lines without the byte-order mark (fields are not split: tests compare whole lines). */
export function csvLines(body: string): string[] {
  return body.replace(/^\uFEFF/, '').trim().split('\r\n');
}
