#!/usr/bin/env node
// `npm start` and `npm test` on a fresh machine: everything they need, in order, with no other
// step by hand. Plain Node with no dependencies, because it runs before anything is installed.
import { existsSync } from 'node:fs';
import { checkNode, ensureServices, fail, installDependencies, quiet, step } from './lib/prepare.mjs';
import { start } from './lib/start.mjs';

const [command, ...args] = process.argv.slice(2);

async function test() {
  checkNode();
  const pnpmRun = installDependencies();
  await ensureServices(process.env);
  step('lint');
  if (!pnpmRun('exec', 'biome', 'check', '.')) fail('lint failed; `pnpm format` fixes formatting.');
  step('typecheck');
  if (!pnpmRun('exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only')) fail('typecheck failed.');
  step('tests (real PostgreSQL and Redis)');
  if (!pnpmRun('exec', 'vitest', 'run', '--project', 'default')) fail('tests failed.');
  step('timing tests (one file at a time, so they measure without contention)');
  if (!pnpmRun('exec', 'vitest', 'run', '--project', 'timing')) fail('timing tests failed.');
  // The fast fault suites start their own PostgreSQL and Redis on other ports, so they need the
  // server binaries, not only a reachable server; where those are missing they are skipped, loudly.
  if (quiet('which', ['redis-server']) && existsSync('/usr/lib/postgresql')) {
    step('fault suites, fast (pnpm chaos --fast; the full set is pnpm chaos)');
    if (!pnpmRun('chaos', '--fast')) fail('a fault suite broke a guarantee.');
  } else {
    step('fault suites skipped: they need redis-server and PostgreSQL server binaries installed locally');
  }
}

if (command === 'test') await test();
else if (command === 'start') await start(args);
else fail('usage: node scripts/dev.mjs start [--fresh] [--no-install] | test');
