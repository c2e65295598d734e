// Number formatting for the table.

export const ms = (value: number) =>
  Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms` : 'n/a';

export const medP99 = (summary: { median: number; p99: number }) =>
  `med ${ms(summary.median).replace(' ms', '')} / p99 ${ms(summary.p99)}`;

export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');

export const mib = (value: number) => `${value.toFixed(0)} MiB`;

export const micros = (value: number) => `${value >= 100 ? value.toFixed(0) : value.toFixed(2)} µs`;

export const count = (value: number) => Math.round(value).toLocaleString('en-US');
