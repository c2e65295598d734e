// The plain-text table printed at the end of a run, and the same rows as JSON in the temp directory.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Row } from './rows';

const headers = ['Figure', 'Measured', 'Floor', 'Ratio (med / p99)', 'Target', 'Result'];

const cells = (row: Row) => [
  row.figure,
  row.measured,
  row.floor,
  row.ratio,
  row.target,
  row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL',
];

export function renderTable(rows: readonly Row[]): string {
  const table = [headers, ...rows.map(cells)];
  const widths = headers.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(headers), rule, ...rows.map((row) => render(cells(row)))].join('\n');
}

/** Writes the run's rows and raw figures as JSON under the OS temp directory; returns the path. */
export function writeJson(document: unknown): string {
  const file = path.join(os.tmpdir(), `routing-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
