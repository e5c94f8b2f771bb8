/**
 * The embedded household server, run for real: server-mock's CLI in a child process (what
 * utilityProcess.fork runs in the app), on a free port with a fresh data dir. Also proves the
 * whole "saved locally → reaches the server" path: a stop report in the stored outbox is
 * uploaded by main's flush and shows up in the PC's Continue-watching row.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomePage, RegisterTerminalResponse, SessionResponse } from '../common/protocol/api.ts';
import { currentEmbeddedUrl, EmbeddedServer, lanIPv4, parseListeningUrl, serverArgs, type ForkServer } from './embedded-server.ts';
import { LocalState } from './local-state.ts';
import { memoryLogger } from './log.ts';
import { flushStoredOutbox } from './report-sender.ts';
import { fakeSafeStorage, memoryStore } from './testing/fakes.ts';

const CLI = fileURLToPath(new URL('../server-mock/cli.ts', import.meta.url));

/** Node's child_process standing in for Electron's utilityProcess.fork. */
const nodeFork: ForkServer = (entry, args) => spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ra-embedded-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function server(overrides: Partial<ConstructorParameters<typeof EmbeddedServer>[0]> = {}) {
  const log = memoryLogger();
  const statuses: string[] = [];
  const s = new EmbeddedServer({
    fork: nodeFork,
    entry: CLI,
    dataDir: tempDir(),
    webDir: tempDir(),
    mediaDir: fileURLToPath(new URL('../server-mock/demo/media', import.meta.url)),
    lanAccess: false,
    preferredPort: null,
    lanAddresses: () => ['192.168.1.5'],
    log,
    onStatus: (st) => statuses.push(st.state),
    ...overrides,
  });
  return { s, log, statuses };
}

describe('pure helpers', () => {
  it('reads the URL from the CLI’s first line only', () => {
    expect(parseListeningUrl('Resume Anywhere server (global, portal, streaming) as global+portal+streaming at http://127.0.0.1:8750')).toBe('http://127.0.0.1:8750');
    expect(parseListeningUrl('  API docs:  http://127.0.0.1:8750/docs')).toBeNull();
    expect(parseListeningUrl('{"level":40,"msg":"listening at http://x"}')).toBeNull();
  });

  it('lists LAN IPv4 addresses, not loopback or IPv6', () => {
    expect(
      lanIPv4({
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
        eth0: [
          { address: '192.168.1.5', family: 'IPv4', internal: false },
          { address: 'fe80::1', family: 'IPv6', internal: false },
        ],
        wlan0: [{ address: '10.0.0.7', family: 4, internal: false }],
      }),
    ).toEqual(['192.168.1.5', '10.0.0.7']);
  });

  it('sends a terminal linked over loopback to wherever the embedded server listens now', () => {
    const running = { mode: 'embedded' as const, state: 'running' as const, url: 'http://127.0.0.1:40001' };
    expect(currentEmbeddedUrl('http://127.0.0.1:39999', running)).toBe('http://127.0.0.1:40001');
    expect(currentEmbeddedUrl('http://192.168.1.20:39999', running)).toBe('http://192.168.1.20:39999');
    expect(currentEmbeddedUrl('http://127.0.0.1:39999', { ...running, mode: 'remote' })).toBe('http://127.0.0.1:39999');
    expect(currentEmbeddedUrl('http://127.0.0.1:39999', { ...running, state: 'failed', url: null })).toBe('http://127.0.0.1:39999');
  });

  it('listens on the LAN only when allowed', () => {
    const o = { dataDir: '/d', webDir: '/w', mediaDir: '/m' };
    expect(serverArgs({ ...o, lanAccess: true }, 0)).toEqual(expect.arrayContaining(['--host', '0.0.0.0', '--port', '0', '--data', '/d', '--web-dir', '/w', '--media-dir', '/m']));
    expect(serverArgs({ ...o, lanAccess: false }, 8750)).toEqual(expect.arrayContaining(['--host', '127.0.0.1', '--port', '8750']));
    // Open to the LAN: never the demo account with its published password.
    expect(serverArgs({ ...o, lanAccess: true }, 0).join(' ')).toContain('--demo-account never');
    expect(serverArgs({ ...o, lanAccess: false }, 8750).join(' ')).toContain('--demo-account loopback');
  });
});

describe('EmbeddedServer (real server-mock process)', () => {
  const running = server({ lanAccess: true });
  beforeAll(async () => {
    const status = await running.s.start();
    expect(status.state).toBe('running');
  }, 30_000);
  afterAll(() => running.s.stop());

  it('reports its URL and the LAN URL a TV opens', async () => {
    const { url, lanUrls, mode } = running.s.status;
    expect(mode).toBe('embedded');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lanUrls).toEqual([url?.replace('127.0.0.1', '192.168.1.5')]);
    expect(running.statuses.slice(0, 2)).toEqual(['starting', 'running']);
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
  });

  it('receives a breakpoint saved locally: stored outbox → flush → Continue watching', async () => {
    const url = running.s.status.url as string;
    const post = async <T>(path: string, body: unknown, token?: string) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as T;
    };
    // A LAN server seeds no demo account (its password is published): the first run creates the owner.
    const demo = await fetch(`${url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'demo@resume.local', password: 'resume-demo' }) });
    expect(demo.status).toBe(401);
    expect(await (await fetch(`${url}/api/v1/registration`)).json()).toEqual({ open: true, needsOwner: true });
    await post('/api/v1/accounts', { login: 'demo@resume.local', password: 'resume-demo' });
    // Once the owner exists, nobody else may create an account on this household server.
    expect(await (await fetch(`${url}/api/v1/registration`)).json()).toEqual({ open: false, needsOwner: false });
    const stranger = await fetch(`${url}/api/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'stranger@lan', password: 'password-123' }) });
    expect(stranger.status).toBe(403);
    const session = await post<SessionResponse>('/api/v1/sessions', { login: 'demo@resume.local', password: 'resume-demo' });
    const terminal = await post<RegisterTerminalResponse>('/api/v1/terminals', { name: 'Study PC', type: 'pc' }, session.token);

    const state = new LocalState(memoryStore(), fakeSafeStorage(), memoryLogger());
    state.saveIdentity({ serverUrl: url, terminalId: terminal.terminal.id, terminalName: 'Study PC', terminalType: 'pc', credential: terminal.credential, login: 'demo@resume.local' });
    state.outboxAppend('reports', {
      seq: 1,
      item: { reportId: 'pc-embedded-test-1', programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 247_000 }, seq: state.nextSeq(), event: 'stop', observedAt: Date.now() },
    });
    const result = await flushStoredOutbox({ state, fetch: (u, init) => fetch(u, init), log: memoryLogger() });
    expect(result).toMatchObject({ sent: 1, pending: 0 });

    const home = (await (await fetch(`${url}/portal/v1/home`, { headers: { authorization: `Bearer ${terminal.credential}` } })).json()) as HomePage;
    const card = home.continueWatching.find((c) => c.program.id === 'harbour-lights');
    expect(card?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 247_000 });
  });
});

describe('EmbeddedServer start-up paths', () => {
  it('falls back to a free port when last run’s port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const { s, log } = server({ preferredPort: taken });
    try {
      const status = await s.start();
      expect(status.state).toBe('running');
      expect(status.url).not.toContain(`:${taken}`);
      expect(log.lines.some((l) => l.message.includes(`could not use port ${taken}`))).toBe(true);
    } finally {
      await s.stop();
      blocker.close();
    }
  }, 30_000);

  it('reports a failure it cannot recover from, with the reason', async () => {
    const { s } = server({ entry: join(tempDir(), 'missing-server.mjs') });
    const status = await s.start();
    expect(status).toMatchObject({ state: 'failed', url: null });
    expect(status.error).toBeTruthy();
  }, 30_000);

  it('gives up on a server that never says where it listens', async () => {
    const silent: ForkServer = () => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { s } = server({ fork: silent, startTimeoutMs: 300 });
    expect(await s.start()).toMatchObject({ state: 'failed', error: expect.stringMatching(/no answer/) });
  });

  it('a fork that throws fails the start with its reason (no stray rejection)', async () => {
    const throwing: ForkServer = () => {
      throw new Error('utility process refused');
    };
    const { s, statuses } = server({ fork: throwing });
    expect(await s.start()).toMatchObject({ state: 'failed', url: null, error: expect.stringMatching(/utility process refused/) });
    expect(statuses.at(-1)).toBe('failed');
  });
});
