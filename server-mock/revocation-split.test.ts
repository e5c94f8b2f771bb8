/**
 * Revocation in a split deployment: global and a streaming cluster in separate processes (the
 * cluster hears revocations on global's feed, `GET /global/v1/revocations`). The same four
 * paths as in one process, each within 1 s; a restarted cluster still refuses a revoked token
 * (the feed's snapshot comes from global's store); and with global down the cluster admits no
 * new session while open sessions keep playing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from './testing/process.ts';
import { checkRevoked, runRevocation, type RevocationPath, type ScenarioResult } from './testing/revocation-scenario.ts';

const SECRET = 's1:split-revocation-secret-0123456789';
const TOKEN_KEY = 'split-revocation-token-key-0123456789';
let dir: string;
let global: ServerProcess;
let s1: ServerProcess;
const globalArgs = (port = '0') => ['--roles', 'global', '--port', port, '--data', join(dir, 'g'), '--service-credentials', SECRET, '--open-registration', 'true'];
const clusterArgs = () => ['--roles', 'streaming', '--port', '0', '--data', join(dir, 's1'), '--instance-id', 'S1', '--global-url', global.url,
  '--service-credentials', SECRET, '--play-token-secret', TOKEN_KEY];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ra-revoke-split-'));
  global = await spawnServer(globalArgs());
  s1 = await spawnServer(clusterArgs());
}, 60_000);
afterAll(async () => {
  await Promise.all([s1?.stop(), global?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const PATHS: RevocationPath[] = ['terminal-removed', 'terminal-signed-out', 'password-changed', 'account-deleted'];
const results = new Map<RevocationPath, ScenarioResult>();

describe('revocation in a split deployment (global and S1 in separate processes)', () => {
  for (const path of PATHS) {
    it(`${path}: the cluster ends the session and refuses the token within 1 s`, async () => {
      const r = await runRevocation({ globalUrl: global.url, streamUrl: s1.url }, path, `split-${path}@example.com`);
      results.set(path, r);
      checkRevoked((v, m) => expect(v, m), r, path, true);
      if (r.renewedAfter) console.info(`split ${path}: one heartbeat raced the feed; its renewed token was refused after`);
      console.info(`split ${path}: push closed after ${r.streamClosedMs?.toFixed(1)} ms, heartbeat refused at S1 after ${r.heartbeatRefusedMs.toFixed(1)} ms`);
    }, 20_000);
  }

  it('a restarted cluster still refuses every revoked token (snapshot from global’s store)', async () => {
    await s1.stop();
    s1 = await spawnServer(clusterArgs());
    for (const path of PATHS) {
      const r = results.get(path);
      if (!r) continue;
      const res = await fetch(`${s1.url}${r.manifestPath}`, { headers: { authorization: `Bearer ${r.revokedToken}` } });
      expect(res.status, path).toBe(401);
    }
  }, 30_000);

  it('fails closed for new sessions while global is down; open sessions keep playing', async () => {
    const login = 'split-outage@example.com';
    const post = (url: string, body: unknown, bearer?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify(body) });
    await post(`${global.url}/api/v1/accounts`, { login, password: 'outage-pw-123' });
    const user = ((await (await post(`${global.url}/api/v1/sessions`, { login, password: 'outage-pw-123' })).json()) as { token: string }).token;
    const a = (await (await post(`${global.url}/api/v1/terminals`, { name: 'PC', type: 'pc' }, user)).json()) as { credential: string };
    const p = (await (await post(`${s1.url}/stream/v1/play`, { programId: 'harbour-lights' }, a.credential)).json()) as { sessionId: string; playToken: string };
    expect(p.sessionId).toBeTruthy();

    const port = new URL(global.url).port;
    await global.kill();
    const t0 = performance.now();
    let refused = Number.NaN;
    while (performance.now() - t0 < 2_000) {
      const res = await post(`${s1.url}/stream/v1/play`, { programId: 'harbour-lights', playToken: p.playToken, terminalId: 'no-such-terminal-0' });
      if (res.status === 503) {
        refused = performance.now() - t0;
        expect(((await res.json()) as { code: string }).code).toBe('UPSTREAM_UNAVAILABLE');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(refused).toBeLessThanOrEqual(1_000);
    // The open session goes on (its reports wait in the outbox).
    const hb = await post(`${s1.url}/stream/v1/sessions/${p.sessionId}/heartbeat`, { position: { kind: 'offset', offsetMs: 30_000 }, seq: 1 }, p.playToken);
    expect(hb.status).toBe(200);

    // Global back on the same port: the feed reconnects and new sessions are admitted again.
    global = await spawnServer(globalArgs(port));
    const t1 = performance.now();
    let admitted = false;
    while (!admitted && performance.now() - t1 < 5_000) {
      admitted = (await post(`${s1.url}/stream/v1/play`, { programId: 'harbour-lights' }, a.credential)).status === 200;
      if (!admitted) await new Promise((r) => setTimeout(r, 50));
    }
    expect(admitted).toBe(true);
  }, 40_000);
});
