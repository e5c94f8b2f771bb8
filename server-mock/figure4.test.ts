/**
 * The patent's Figure 4, replayed across five real processes on loopback: global, portals P1
 * and P2, streaming clusters S1 and S2. Set-top box A gets its page from P1, plays through S1,
 * stops at T (S1 reports, ms2); phone B gets its page from P2 with A's record (ms3 / ms3-2),
 * resumes through S2 at T presenting A's token — admitted without a new authentication — and
 * stops at T2 (S2 reports, ms4). Global then holds both records.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomePage, ProgramsAnswer } from '../common/protocol/api.ts';
import type { PlayResponse } from '../common/protocol/stream.ts';
import { spawnServer, type ServerProcess } from './testing/process.ts';

const secrets = { p1: 'portal-one-secret-0123456789', p2: 'portal-two-secret-0123456789', s1: 'cluster-one-secret-012345678', s2: 'cluster-two-secret-012345678' };
const TOKEN_KEY = 'shared-play-token-key-for-s1-and-s2';
let dir: string;
const procs: Record<string, ServerProcess> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ra-fig4-'));
  const all = Object.entries(secrets).map(([id, secret]) => `${id}:${secret}`).join(',');
  procs.global = await spawnServer(['--roles', 'global', '--port', '0', '--data', join(dir, 'global'), '--service-credentials', all, '--open-registration', 'true']);
  const g = procs.global.url;
  const role = (roles: string, id: string) =>
    spawnServer(['--roles', roles, '--port', '0', '--data', join(dir, id), '--instance-id', id.toUpperCase(), '--global-url', g,
      '--service-credentials', `${id}:${secrets[id as keyof typeof secrets]}`, '--play-token-secret', TOKEN_KEY]);
  [procs.p1, procs.p2, procs.s1, procs.s2] = await Promise.all([role('portal', 'p1'), role('portal', 'p2'), role('streaming', 's1'), role('streaming', 's2')]);
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(procs).map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function call<T>(method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : null,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

describe('Figure 4 across five processes', () => {
  it('A stops at T through P1/S1; B resumes at T through P2/S2 on A’s token; global holds both', async () => {
    const g = procs.global!.url;
    await call('POST', `${g}/api/v1/accounts`, { login: 'fig4@example.com', password: 'figure-four-pw' });
    const { token } = await call<{ token: string }>('POST', `${g}/api/v1/sessions`, { login: 'fig4@example.com', password: 'figure-four-pw' });
    const a = await call<{ terminal: { id: string }; credential: string }>('POST', `${g}/api/v1/terminals`, { name: 'Set-top box A', type: 'stb' }, token);
    const b = await call<{ terminal: { id: string }; credential: string }>('POST', `${g}/api/v1/terminals`, { name: 'Phone B', type: 'mobile' }, token);

    // A: home page from P1, play through S1, stop at T.
    const homeA = await call<HomePage>('GET', `${procs.p1!.url}/portal/v1/home`, undefined, a.credential);
    expect(homeA.portalId).toBe('P1');
    expect(homeA.catalogue.map((p) => p.id)).toContain('harbour-lights');
    const playA = await call<PlayResponse>('POST', `${procs.s1!.url}/stream/v1/play`, { programId: 'harbour-lights' }, a.credential);
    expect(playA.clusterId).toBe('S1');
    const T = 187_250;
    await call('POST', `${procs.s1!.url}/stream/v1/sessions/${playA.sessionId}/heartbeat`, { position: { kind: 'offset', offsetMs: 60_000 }, seq: 1 }, playA.playToken);
    await call('POST', `${procs.s1!.url}/stream/v1/sessions/${playA.sessionId}/stop`, { position: { kind: 'offset', offsetMs: T }, seq: 2 }, playA.playToken);

    // B: home page from P2 carries A's record (ms3-2), labelled with A, with A's token.
    let homeB: HomePage | null = null;
    for (let i = 0; i < 100; i++) {
      homeB = await call<HomePage>('GET', `${procs.p2!.url}/portal/v1/home`, undefined, b.credential);
      if (homeB.continueWatching[0]?.record.breakpoint.kind === 'offset' && homeB.continueWatching[0].record.seq === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const card = homeB!.continueWatching[0]!;
    expect(homeB!.portalId).toBe('P2');
    expect(card.record).toMatchObject({ terminalId: a.terminal.id, terminalName: 'Set-top box A', terminalType: 'stb', breakpoint: { kind: 'offset', offsetMs: T } });
    expect(card.record.playToken).toBeDefined();

    // B resumes through S2 presenting A's token and its own id — no credential.
    const playB = await call<PlayResponse>('POST', `${procs.s2!.url}/stream/v1/play`, {
      programId: 'harbour-lights',
      breakpoint: card.record.breakpoint,
      playToken: card.record.playToken,
      terminalId: b.terminal.id,
    });
    expect(playB).toMatchObject({ clusterId: 'S2', admittedByToken: true, start: { kind: 'offset', offsetMs: T } });
    // S2's media server serves the manifest with B's token, and refuses it without.
    expect((await fetch(playB.manifestUrl, { headers: { authorization: `Bearer ${playB.playToken}` } })).status).toBe(200);
    expect((await fetch(playB.manifestUrl)).status).toBe(401);
    const T2 = T + 42_000;
    await call('POST', `${procs.s2!.url}/stream/v1/sessions/${playB.sessionId}/stop`, { position: { kind: 'offset', offsetMs: T2 }, seq: 1 }, playB.playToken);

    // Global holds both records (ms2 and ms4).
    let history: ProgramsAnswer['history'] = [];
    for (let i = 0; i < 100; i++) {
      history = (await call<ProgramsAnswer>('GET', `${g}/global/v1/programs?terminalId=${b.terminal.id}`, undefined, `svc_p2.${secrets.p2}`)).history;
      if (history.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const points = Object.fromEntries(history.map((r) => [r.terminalName, r.breakpoint]));
    expect(points).toEqual({ 'Set-top box A': { kind: 'offset', offsetMs: T }, 'Phone B': { kind: 'offset', offsetMs: T2 } });
  }, 60_000);
});
