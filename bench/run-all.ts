/**
 * `pnpm bench`: every benchmark, one after another (never together: they would measure each
 * other on two cores), each in its own process so one's leftovers cannot skew the next.
 */
import { spawnSync } from 'node:child_process';

const BENCHES = [
  'ingress',
  'worker',
  'cluster',
  'latency',
  'notifications',
  'memory',
  'refresh',
  'pacing',
  'sandbox-gets',
];
const failed: string[] = [];
for (const name of BENCHES) {
  console.log(`\n=== bench: ${name} ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${name}.ts`], {
    cwd: new URL('.', import.meta.url),
    stdio: 'inherit',
    timeout: 600_000,
  });
  if (run.status !== 0) failed.push(name);
}
console.log(
  `\nResults in bench/results/. ${failed.length ? `Failed to run: ${failed.join(', ')}` : 'All ran.'}`,
);
process.exitCode = failed.length ? 1 : 0;
