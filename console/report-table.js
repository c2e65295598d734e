// @ts-check
// The numbers behind a chart, one way for two readers: a table (for screen readers, and for the tests that read the
// figures) and a CSV file to download. The table shows each value as formatted for people; the CSV keeps it raw.
import { h } from './dom.js';

/**
 * A column of a report: its heading, its raw value for a row, and how the table shows that value.
 * @template R
 * @typedef {{ label: string, value: (row: R) => string | number | null, show?: (value: string | number) => string }} Column
 */

/**
 * @template R
 * @param {Column<R>} column
 * @param {R} row
 */
function shown(column, row) {
  const value = column.value(row);
  if (value === null) return '—';
  return column.show ? column.show(value) : String(value);
}

/**
 * A table with a caption; the first column heads each row.
 * @template R
 * @param {string} caption
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 * @param {Record<string, string | undefined>} [attributes]
 */
export function reportTable(caption, columns, rows, attributes = {}) {
  return h(
    'table',
    attributes,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column.label)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h(
          'tr',
          {},
          ...columns.map((column, index) =>
            index === 0 ? h('th', { scope: 'row' }, shown(column, row)) : h('td', {}, shown(column, row)),
          ),
        ),
      ),
    ),
  );
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
const csvField = (/** @type {string | number | null} */ value) => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * The report as CSV: a header line, then one line per row, with raw values (an empty field for none).
 * @template R
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 */
export function reportCsv(columns, rows) {
  const lines = [columns.map((column) => csvField(column.label))];
  for (const row of rows) lines.push(columns.map((column) => csvField(column.value(row))));
  return `${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

/**
 * A button that downloads the report as `fileName`; `what` completes its name for screen readers.
 * @template R
 * @param {string} what
 * @param {string} fileName
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 */
export function csvButton(what, fileName, columns, rows) {
  const button = h(
    'button',
    { type: 'button' },
    'Download CSV',
    h('span', { class: 'visually-hidden' }, ` of ${what}`),
  );
  button.onclick = () => {
    const url = URL.createObjectURL(new Blob([reportCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }));
    const link = h('a', { href: url, download: fileName, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has taken the file once the click is handled; the URL is not needed after that.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return button;
}
