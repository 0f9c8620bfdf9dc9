import type { PhaseCpu } from './sagaflow-bench';

/** One figure of the benchmark, as DESIGN.md prints it. */
export interface Figure {
  metric: string;
  value: number;
  unit: string;
  /** The same-run reference (the DBOS peer's figure), or null. */
  ceiling: number | null;
}

/** One JSON line per figure: `{"bench":"sagas","metric":…,"value":…,"unit":…,"ceiling":…}`. */
export function jsonLines(figures: readonly Figure[]): string {
  return figures
    .map((f) =>
      JSON.stringify({
        bench: 'sagas',
        metric: f.metric,
        value: round(f.value),
        unit: f.unit,
        ceiling: f.ceiling === null ? null : round(f.ceiling),
      }),
    )
    .join('\n');
}

/** The human table: figure, value, the peer's same-run figure. */
export function figureTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.metric,
    `${round(f.value)} ${f.unit}`,
    f.ceiling === null ? '' : `${round(f.ceiling)} ${f.unit}`,
  ]);
  return table(['metric', 'sagaflow', 'dbos (same run)'], rows);
}

/** CPU per component: cores busy on average during the phase, and CPU milliseconds per saga. */
export function cpuTable(title: string, cpu: PhaseCpu, sagas: number): string {
  const total = Object.values(cpu.cpuSeconds).reduce((a, b) => a + b, 0);
  const rows = Object.entries(cpu.cpuSeconds)
    .sort(([, a], [, b]) => b - a)
    .map(([name, s]) => [
      name,
      (s / cpu.wallSeconds).toFixed(2),
      ((s * 1000) / sagas).toFixed(2),
      `${((100 * s) / total).toFixed(0)}%`,
    ]);
  rows.push(['total', (total / cpu.wallSeconds).toFixed(2), ((total * 1000) / sagas).toFixed(2), '100%']);
  return `${title} (${sagas} sagas in ${cpu.wallSeconds.toFixed(1)} s)\n${table(['component', 'cores', 'cpu ms/saga', 'share'], rows)}`;
}

/** CPU per component with nothing offered: cores busy on average. */
export function restTable(cpu: PhaseCpu): string {
  const total = Object.values(cpu.cpuSeconds).reduce((a, b) => a + b, 0);
  const rows = Object.entries(cpu.cpuSeconds)
    .sort(([, a], [, b]) => b - a)
    .map(([name, s]) => [name, (s / cpu.wallSeconds).toFixed(3)]);
  rows.push(['total', (total / cpu.wallSeconds).toFixed(3)]);
  return `CPU at rest (nothing offered, ${cpu.wallSeconds.toFixed(1)} s)\n${table(['component', 'cores'], rows)}`;
}

/** PostgreSQL's cores by database and application, at saturation and at the offered rate. */
export function postgresTable(
  saturation: readonly { label: string; cores: number }[],
  atRate: readonly { label: string; cores: number }[],
  rate: number,
): string {
  const labels = [...new Set([...saturation, ...atRate].map((r) => r.label))];
  const cores = (rows: readonly { label: string; cores: number }[], label: string) =>
    (rows.find((r) => r.label === label)?.cores ?? 0).toFixed(3);
  const rows = labels
    .map((label) => [label, cores(saturation, label), cores(atRate, label)])
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return `PostgreSQL CPU by database and application (cores)\n${table(['backend', 'saturation', `at ${rate}/s`], rows)}`;
}

/** A plain-text table with a header row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}
