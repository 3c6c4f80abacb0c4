import { mkdirSync, writeFileSync } from 'node:fs';

export interface Check {
  guarantee: string;
  ok: boolean;
  detail: string;
}

export interface SuiteReport {
  name: string;
  title: string;
  /** The headline figures, in order: sent / accepted / applied / duplicates / lost first. */
  figures: [string, string | number][];
  checks: Check[];
  notes: string[];
  /** Markdown tables (lines) printed after the checks and written into the result file. */
  tables?: string[][];
  seconds: number;
}

export const passed = (report: SuiteReport) => report.checks.every((c) => c.ok);

/** Prints the suite's line and table, and (unless told not to) writes bench/results/chaos-<name>.md. */
export function publish(report: SuiteReport, { write = true } = {}): void {
  const verdict = passed(report) ? 'PASS' : 'FAIL';
  const line = report.figures.map(([k, v]) => `${k} ${fmt(v)}`).join(' / ');
  const md = [
    `# Chaos: ${report.title} (${new Date().toISOString()})`,
    '',
    `**${verdict}** in ${report.seconds.toFixed(1)} s. ${line}`,
    '',
    '| Figure | Value |',
    '| --- | ---: |',
    ...report.figures.map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    '',
    '| Guarantee | Held | Detail |',
    '| --- | :---: | --- |',
    ...report.checks.map((c) => `| ${c.guarantee} | ${c.ok ? 'yes' : '**NO**'} | ${c.detail} |`),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
    ...(report.tables ?? []).flatMap((table) => [...table, '']),
  ].join('\n');
  console.log(`\n[chaos ${report.name}] ${verdict} (${report.seconds.toFixed(1)} s): ${line}`);
  for (const c of report.checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.guarantee}: ${c.detail}`);
  for (const n of report.notes) console.log(`  note: ${n}`);
  for (const table of report.tables ?? []) console.log(`\n${table.join('\n')}`);
  if (!write) return;
  const dir = new URL('../../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`chaos-${report.name}.md`, dir), md);
}

const fmt = (v: string | number) => (typeof v === 'number' ? v.toLocaleString('en-US') : v);
