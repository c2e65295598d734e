// @ts-check
// The dashboard's charts, drawn by uPlot (served by the API at /vendor/uplot.js): lines over time, and bars per
// category (a rep, a rule). Charts are pictures only, hidden from screen readers: the table beside each holds the
// numbers (report-table.js).
import uPlot from './vendor/uplot.js';

/** Distinct on white and for the common colour blindnesses (Okabe-Ito, darkened where too light). */
const palette = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7a6a00', '#57606a'];
const HEIGHT = 260;

/** @typedef {{ label: string, values: (number | null)[] }} Series */

/** @param {HTMLElement} target */
const widthOf = (target) => Math.max(280, target.clientWidth);

/**
 * Lines over UTC time, one per series, with points so that a single bucket still shows.
 * @param {HTMLElement} target
 * @param {number[]} times seconds since the epoch: the starts of periods `period` seconds long
 * @param {number} period
 * @param {Series[]} series
 * @param {string} unit the y axis' label
 */
export function timeChart(target, times, series, unit, period) {
  return new uPlot(
    {
      width: widthOf(target),
      height: HEIGHT,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: {
        // From the data, half a period either side: uPlot's own range for a single time is a day in milliseconds
        // read as seconds (years).
        x: { range: () => [Math.min(...times) - period / 2, Math.max(...times) + period / 2] },
        y: { range: (_self, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [{}, { label: unit }],
      series: [
        { label: 'UTC' },
        ...series.map((line, index) => ({
          label: line.label,
          stroke: palette[index % palette.length],
          width: 2,
          points: { show: true, size: 7 },
        })),
      ],
    },
    [times, ...series.map((line) => line.values)],
    target,
  );
}

/**
 * Bars per category: two series side by side, or any number stacked (each bar on top of the ones before it).
 * @param {HTMLElement} target
 * @param {string[]} categories their names under the bars, on up to three lines (split by \n)
 * @param {Series[]} series
 * @param {{ stacked: boolean, unit: string, categoryLabel: string }} options
 */
export function barChart(target, categories, series, { stacked, unit, categoryLabel }) {
  const positions = categories.map((_, index) => index);
  // Stacked: bar i reaches the sum of series 0..i and is drawn before (under) the shorter ones; none where series i
  // is 0, which would show as a sliver of its colour.
  /** @type {(number | null)[][]} */
  const drawn = stacked
    ? series.map((one, index) =>
        positions.map((position) =>
          one.values[position]
            ? series.slice(0, index + 1).reduce((sum, { values }) => sum + (values[position] ?? 0), 0)
            : null,
        ),
      )
    : series.map((one) => one.values);
  const lines = Math.min(3, Math.max(...categories.map((category) => category.split('\n').length)));
  const order = stacked ? series.map((_, index) => series.length - 1 - index) : series.map((_, index) => index);
  return new uPlot(
    {
      width: widthOf(target),
      height: HEIGHT,
      scales: {
        x: { time: false, range: [-0.5, categories.length - 0.5] },
        y: { range: (_self, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        {
          splits: () => positions,
          values: (_self, splits) => splits.map((position) => categories[position] ?? ''),
          size: 20 + 16 * lines,
          grid: { show: false },
        },
        { label: unit },
      ],
      cursor: { points: { show: false } },
      series: [
        {
          label: categoryLabel,
          value: (/** @type {uPlot} */ _self, /** @type {number | null} */ position) =>
            position === null ? '—' : (categories[position] ?? '').replaceAll('\n', ' '),
        },
        ...order.map((index) => {
          const color = palette[index % palette.length] ?? '#000';
          return {
            label: series[index]?.label ?? '',
            fill: color,
            stroke: color,
            paths: uPlot.paths.bars?.(
              stacked ? { size: [0.6, 80] } : { size: [0.35, 40], align: index === 0 ? -1 : 1 },
            ),
            points: { show: false },
            // The legend tells each series' own value, not the stack's height.
            value: (
              /** @type {uPlot} */ _self,
              /** @type {number | null} */ _value,
              /** @type {number} */ _series,
              /** @type {number | null} */ position,
            ) => (position === null ? '—' : String(series[index]?.values[position] ?? '—')),
          };
        }),
      ],
    },
    [positions, ...order.map((index) => /** @type {(number | null)[]} */ (drawn[index]))],
    target,
  );
}
