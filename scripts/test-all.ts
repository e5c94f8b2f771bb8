/**
 * `npm test`: the whole test suite, as CI runs it (.ci/run calls exactly this).
 *   1. lint (includes the layering rule) and type check;
 *   2. Vitest: unit and integration tests (real SQLite files, real HTTP, real processes), with
 *      a throwaway PostgreSQL started for them (scripts/pg-throwaway.ts): the store conformance
 *      suites run on both stores, then the HTTP integration suites again on PostgreSQL;
 *   3. Playwright: browser suites in e2e/ (once they exist), in Debian's Chromium.
 * Ends with one summary line per runner and a total, "N passed, N failed, N skipped", and
 * exits non-zero if anything failed. A suite that cannot run here says so and why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPgBin, startThrowawayPg, type ThrowawayPg } from './pg-throwaway.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
/** Suites over the test harness's global (server-mock/testing/harness.ts) that run on either store. */
const PG_INTEGRATION_SUITES = [
  'server-mock/global/history.test.ts', 'server-mock/global/device.test.ts', 'server-mock/global/lifecycle.test.ts',
  'server-mock/global/profiles.test.ts', 'server-mock/global/bad-input.test.ts', 'server-mock/global/devices.test.ts',
  'server-mock/global/events.test.ts', 'server-mock/global/revocation.test.ts', 'server-mock/global/patent-flow.test.ts',
  'server-mock/streaming/access.test.ts', 'server-mock/portal/home-json.test.ts',
  'server-mock/global/handoff.test.ts', 'server-mock/global/maturity.test.ts', 'server-mock/global/pin-lock.test.ts',
  'server-mock/global/remote.test.ts', 'server-mock/global/remote-play-on.test.ts', 'server-mock/global/presence.test.ts',
  'server-mock/portal/catalogue.test.ts', 'server-mock/library/routes.test.ts', 'scripts/offline-profile-sync.test.ts',
  'server-mock/fuzz.test.ts',
];
const summaries: { name: string; passed: number; failed: number; skipped: number; seconds?: number }[] = [];
let failed = false;
/** How long the last `run` took (s): printed next to each runner's summary line. */
let lastSeconds = 0;
const started = performance.now();

function run(name: string, cmd: string, args: string[]): boolean {
  console.log(`\n=== ${name}: ${[cmd, ...args].map((a) => a.replace(root, '')).join(' ')}`);
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  lastSeconds = Math.round((performance.now() - t0) / 1000);
  const ok = res.status === 0;
  if (!ok) failed = true;
  return ok;
}

// 1. Static checks: counted as one check each.
for (const [name, cmd, args] of [
  ['lint', bin('eslint'), ['.']],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
] as const) {
  const ok = run(name, cmd, [...args]);
  summaries.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds: lastSeconds });
}

// 2. A throwaway PostgreSQL for the store tests, stopped however this script ends.
let pgServer: ThrowawayPg | null = null;
const pgBin = findPgBin();
if ('missing' in pgBin) {
  console.log(`\n=== postgres: the PostgreSQL tests will be skipped — ${pgBin.missing}`);
} else {
  try {
    pgServer = await startThrowawayPg(pgBin.bin);
    process.env.RA_TEST_DATABASE_URL = pgServer.url;
    console.log(`\n=== postgres: throwaway cluster at ${pgServer.url}`);
  } catch (err) {
    console.log(`\n=== postgres: the PostgreSQL tests will be skipped — ${(err as Error).message.trim()}`);
  }
}
process.on('exit', () => pgServer?.stop());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    pgServer?.stop();
    process.exit(130);
  });
}

/** Vitest with a JSON report to count from. */
function vitest(name: string, files: string[], env: Record<string, string> = {}): void {
  const out = join(mkdtempSync(join(tmpdir(), 'ra-vitest-')), 'report.json');
  Object.assign(process.env, env);
  run(name, bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...files]);
  for (const k of Object.keys(env)) delete process.env[k];
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    summaries.push({ name, passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests, seconds: lastSeconds });
  } else {
    summaries.push({ name, passed: 0, failed: 1, skipped: 0, seconds: lastSeconds });
  }
}

// 3. Vitest: everything (the conformance suites on both stores among it) …
vitest('vitest', []);
// … then the HTTP integration suites once more with global on PostgreSQL.
if (pgServer) vitest('vitest (postgres store)', PG_INTEGRATION_SUITES, { RA_TEST_STORE: 'postgres' });
else console.log('\n=== vitest (postgres store): skipped — no PostgreSQL (see above)');

// 4. Playwright, when browser suites exist.
const e2e = join(root, 'e2e');
const hasSpecs = existsSync(e2e) && readdirSync(e2e, { recursive: true }).some((f) => String(f).endsWith('.spec.ts'));
if (hasSpecs) {
  // The browser suites drive the built web terminal.
  run('build:renderer', 'npm', ['run', 'build:renderer']);
  const pwOut = join(mkdtempSync(join(tmpdir(), 'ra-pw-')), 'report.json');
  process.env.PLAYWRIGHT_JSON_OUTPUT_NAME = pwOut;
  run('playwright', bin('playwright'), ['test', '--reporter=list,json']);
  if (existsSync(pwOut)) {
    const { stats } = JSON.parse(readFileSync(pwOut, 'utf8')) as { stats: { expected: number; unexpected: number; skipped: number; flaky: number } };
    summaries.push({ name: 'playwright', passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped, seconds: lastSeconds });
  } else {
    summaries.push({ name: 'playwright', passed: 0, failed: 1, skipped: 0, seconds: lastSeconds });
  }
} else {
  console.log('\n=== playwright: skipped — no e2e/*.spec.ts suites yet');
}

console.log('\n=== summary');
for (const s of summaries) console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.seconds === undefined ? '' : ` (${s.seconds} s)`}`);
const total = summaries.reduce((t, s) => ({ passed: t.passed + s.passed, failed: t.failed + s.failed, skipped: t.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${Math.round((performance.now() - started) / 1000)} s)`);
process.exit(failed || total.failed > 0 ? 1 : 0);
