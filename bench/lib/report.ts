import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';

export interface Target {
  what: string;
  met: boolean;
  detail: string;
}

export interface Report {
  /** File name under bench/results, without `.md`. */
  name: string;
  title: string;
  /** How to run this bench alone. */
  command: string;
  /** What was measured and how, in a few sentences. */
  method: string;
  tables: string[];
  targets: Target[];
  notes?: string[];
  /** Hand-written SVG, saved next to the report as `<name>.svg`. */
  svg?: string;
}

export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const align = headers.map((_, i) => (i === 0 ? '---' : '---:'));
  return [headers, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** p in [0, 100], nearest-rank on a copy sorted ascending. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

/** Prints the report and writes bench/results/<name>.md (and .svg); exit code 1 if a target was missed. */
export async function publish(report: Report): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const lines = [
    `# ${report.title}`,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`${report.command}\``,
    `- Machine: ${machine} (load generator, services, Redis and PostgreSQL share these cores)`,
    '',
    report.method,
    '',
    ...report.tables.flatMap((t) => [t, '']),
    '## Targets',
    '',
    markdownTable(
      ['Target', 'Met', 'Measured'],
      report.targets.map((t) => [t.what, t.met ? 'yes' : '**no**', t.detail]),
    ),
    '',
    ...(report.notes?.length ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
    ...(report.svg ? [`![${report.title}](${report.name}.svg)`, ''] : []),
  ];
  const markdown = lines.join('\n');
  console.log(markdown);
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL(`${report.name}.md`, dir), markdown);
  if (report.svg) await writeFile(new URL(`${report.name}.svg`, dir), report.svg);
  // A missed target is a finding, not a crash: report it, and let `pnpm bench` carry on.
  if (report.targets.some((t) => !t.met)) console.log(`\n${report.name}: some targets not met (see above)`);
}
