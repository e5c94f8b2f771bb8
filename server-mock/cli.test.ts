/**
 * The command line as a user meets it: a fresh data dir is seeded and the demo account is
 * printed; catalogue import from a JSON file (valid: imported; invalid: refused, nothing
 * changed); bad flags are a clear error with exit code 2; --help and --version; the log
 * format it chooses; SIGTERM stops it at once.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OPTIONS } from './config.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from './demo/seed.ts';
import { openSqliteStore } from './store/sqlite.ts';
import { spawnServer } from './testing/process.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, RA_LOG_LEVEL: 'warn' } });

describe('server-mock CLI', () => {
  it('seeds a fresh data dir with the demo catalogue and account, and says so', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-cli-'));
    const server = await spawnServer(['--port', '0', '--data', dir]);
    try {
      // Wait until the whole banner is printed.
      for (let i = 0; i < 50 && !server.output().includes('seeded'); i++) await new Promise((r) => setTimeout(r, 20));
      const out = server.output();
      const demo = await readCatalogFile(DEMO_CATALOG_URL);
      expect(out).toContain('demo account: demo@resume.local / resume-demo');
      expect(out).toContain(`seeded ${demo.length} demo programmes`);
      expect(out).toContain(`${server.url}/docs`);
      const login = await fetch(`${server.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'demo@resume.local', password: 'resume-demo' }),
      });
      expect(login.status).toBe(201);
    } finally {
      await server.stop();
    }
    // A second start on the same dir seeds nothing more.
    const again = await spawnServer(['--port', '0', '--data', dir]);
    await new Promise((r) => setTimeout(r, 200));
    await again.stop();
    expect(again.output()).not.toContain('seeded');
  });

  it('stops at once on SIGTERM though a client holds a connection it never sent a request on', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-cli-'));
    const server = await spawnServer(['--port', '0', '--data', dir]);
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const t = performance.now();
      await server.stop();
      // Before: it waited as long as the client kept the socket (minutes; a browser's pre-connect).
      expect(performance.now() - t).toBeLessThan(5_000);
      expect(server.child.exitCode).toBe(0);
    } finally {
      socket.destroy();
      await server.kill();
    }
  });

  it('imports a catalogue file, and refuses an invalid one without changing anything', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-cli-'));
    const good = join(dir, 'good.json');
    const program = { id: 'imported-show', title: 'Imported', synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['pc'], artwork: 'x/poster.jpg', links: [{ dash: 'x/manifest.mpd' }] };
    await writeFile(good, JSON.stringify({ programs: [program] }));
    const ok = cli('import-catalog', good, '--data', dir);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('imported 1 programme(s)');

    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ programs: [{ ...program, id: 'second-show', durationMs: -1 }] }));
    const refused = cli('import-catalog', bad, '--data', dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is invalid');
    await writeFile(bad, '{ not json');
    expect(cli('import-catalog', bad, '--data', dir).status).toBe(1);

    const store = await openSqliteStore({ file: join(dir, 'resume.sqlite') });
    try {
      expect((await store.listPrograms()).map((p) => p.id)).toEqual(['imported-show']);
    } finally {
      await store.close();
    }
  });

  it('--help prints the commands and every option with its variable, exit code 0', () => {
    dir = '';
    for (const flag of ['--help', '-h']) {
      const r = cli(flag);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage:');
      expect(r.stdout).toContain('npm run catalog:import -- FILE');
      for (const [name, option] of Object.entries(OPTIONS)) {
        expect(r.stdout, name).toMatch(new RegExp(`^  --${name} `, 'm'));
        expect(r.stdout).toContain(option.env);
      }
    }
    // Wherever it stands, and even beside a bad flag: help is help.
    expect(cli('--port', 'eighty', '--help').status).toBe(0);
  });

  it('--version prints package.json\'s version, exit code 0', async () => {
    dir = '';
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = cli(flag);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('logs JSON lines when its output is not a terminal, and --log-format pretty when asked', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-cli-'));
    for (const [format, isJson] of [['auto', true], ['pretty', false]] as const) {
      const server = await spawnServer(['--port', '0', '--data', dir, '--log-level', 'debug', '--log-format', format]);
      try {
        const res = await fetch(`${server.url}/healthz`);
        const id = res.headers.get('x-request-id') as string;
        for (let i = 0; i < 50 && !server.output().includes(id); i++) await new Promise((r) => setTimeout(r, 20));
        const line = server.output().split('\n').find((l) => l.includes(id)) as string;
        expect(line, server.output()).toBeDefined();
        if (isJson) expect(JSON.parse(line)).toMatchObject({ level: 20, reqId: id, method: 'GET', url: '/healthz', status: 200 });
        else expect(line).toMatch(new RegExp(`DEBUG: \\[${id}\\] GET /healthz 200 [\\d.]+ ms$`));
      } finally {
        await server.stop();
      }
    }
  });

  it('bad flags are a clear error, exit code 2', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-cli-'));
    const r = cli('--port', 'eighty', '--data', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --port');
    const portal = cli('--roles', 'portal', '--data', dir);
    expect(portal.status).toBe(2);
    expect(portal.stderr).toContain('--global-url is required');
  });
});
