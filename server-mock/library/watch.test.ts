/**
 * A watched folder in a running server process (`--library DIR`): a file added, changed and
 * removed while the server runs becomes, changes and leaves its programme by itself; a removed
 * programme is withdrawn (its viewing records stay) and returns with them when its file does.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Program } from '../../common/protocol/model.ts';
import { spawnServer, type ServerProcess } from '../testing/process.ts';
import { h264TwoLanguages, hevcAc3Mkv, withZhSidecar } from './test-media.ts';

let work: string;
let watched: string;
let server: ServerProcess;
let token: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ra-watch-'));
  watched = path.join(work, 'watched');
  await mkdir(watched);
  server = await spawnServer(['--port', '0', '--data', path.join(work, 'data'), '--seed-demo', 'false', '--library', watched]);
  token = (await readFile(path.join(work, 'data', 'admin-token'), 'utf8')).trim();
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

async function catalogue(): Promise<Program[]> {
  const res = await fetch(`${server.url}/admin/v1/programs`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { programs: Program[] }).programs;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) {
      const lib = await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).text();
      throw new Error(`timed out waiting for ${what}\nlibrary: ${lib}\n${server.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('picks up a file added, changed and removed while the server runs', async () => {
  const status = await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(status).toMatchObject({ folders: [{ path: watched, source: 'config', state: 'watching', files: 0 }] });

  // Added: written elsewhere, then moved in (as a finished download or copy lands).
  const staged = await withZhSidecar(path.join(work, 'staging', 'Night Walk.mp4'), 6);
  await rename(staged, path.join(watched, 'Night Walk.mp4'));
  const added = await until('the added programme', async () => (await catalogue()).find((p) => p.title === 'Night Walk'));
  expect(added.durationMs).toBe(6000);

  // Changed: another (longer, HEVC) encode replaces it under the same name; same programme id.
  const longer = await hevcAc3Mkv(path.join(work, 'staging', 'other.mkv'), 8);
  await rename(longer, path.join(watched, 'Night Walk.mp4'));
  const changed = await until('the changed programme', async () => (await catalogue()).find((p) => p.id === added.id && p.durationMs > 7500));
  expect(changed).toMatchObject({ id: added.id, title: 'Kanal' });

  // Someone watches it: a viewing record.
  const viewer = await signUpTerminal();
  const report = { reportId: 'watch-test-report-1', programId: added.id, breakpoint: { kind: 'offset', offsetMs: 3000 }, seq: 1, event: 'stop', observedAt: Date.now() };
  expect((await api('POST', '/api/v1/history/sync', viewer, { sentAt: Date.now(), reports: [report] })).status).toBe(200);
  const records = async () => ((await (await api('GET', '/api/v1/account/export', viewer)).json()) as { history: { programId: string; breakpoint: unknown }[] }).history;
  expect(await records()).toEqual([expect.objectContaining({ programId: added.id, breakpoint: { kind: 'offset', offsetMs: 3000 } })]);

  // Removed: its programme is withdrawn — out of the catalogue, no new plays — but the viewing
  // record stays (it ages out as usual).
  const keep = path.join(work, 'staging', 'kept.mp4');
  await copyFile(path.join(watched, 'Night Walk.mp4'), keep);
  await rm(path.join(watched, 'Night Walk.mp4'));
  await until('the programme to go', async () => !(await catalogue()).some((p) => p.id === added.id));
  const after = (await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).json()) as { files: unknown[] };
  expect(after.files).toEqual([]);
  const refused = await api('POST', '/stream/v1/play', viewer, { programId: added.id });
  expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([410, 'PROGRAM_WITHDRAWN']);
  expect((await records()).map((r) => r.programId)).toEqual([added.id]);

  // The same file (same content) comes back: the same programme, with its record.
  await rename(keep, path.join(watched, 'Back Again.mp4'));
  const back = await until('the programme to return', async () => (await catalogue()).find((p) => p.id === added.id));
  expect(back.durationMs).toBe(changed.durationMs);
  expect((await records()).map((r) => r.programId)).toEqual([added.id]);
  expect((await api('POST', '/stream/v1/play', viewer, { programId: added.id })).status).toBe(200);
  await rm(path.join(watched, 'Back Again.mp4'));
  await until('the programme to go again', async () => !(await catalogue()).some((p) => p.id === added.id));
}, 240_000);

/** JSON to the server with a bearer credential. */
function api(method: string, route: string, credential: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** An account with one PC terminal; its credential. */
async function signUpTerminal(): Promise<string> {
  const login = { login: 'watcher', password: 'correct-horse-battery' };
  const post = (route: string, body: unknown, auth?: string) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) });
  expect((await post('/api/v1/accounts', login)).status).toBe(201);
  const session = ((await (await post('/api/v1/sessions', login)).json()) as { token: string }).token;
  const terminal = await post('/api/v1/terminals', { name: 'Test PC', type: 'pc' }, session);
  return ((await terminal.json()) as { credential: string }).credential;
}

it('survives kill -9 mid-packaging: no half programme in the catalogue, and the job resumes at the next start', async () => {
  // 120 s at 640x360: a quiet machine remuxes it at ~25× realtime, so the job runs for seconds
  // and the 250 ms poll catches it mid-job (a 20 s file was done before the first poll).
  const staged = await h264TwoLanguages(path.join(work, 'staging', 'Long Evening.mp4'), 120);
  await rename(staged, path.join(watched, 'Long Evening.mp4'));
  const auth = { authorization: `Bearer ${token}` };
  await until('the job to be running', async () => {
    const jobs = (await (await fetch(`${server.url}/admin/v1/library/jobs`, { headers: auth })).json()) as { jobs: { state: string; progress: number }[] };
    return jobs.jobs.some((j) => j.state === 'packaging' && j.progress > 0.05 && j.progress < 0.85);
  });
  await server.kill();
  const media = path.join(work, 'data', 'library-media');
  expect((await readdir(media)).some((n) => n.startsWith('.tmp-'))).toBe(true);

  server = await spawnServer(['--port', '0', '--data', path.join(work, 'data'), '--seed-demo', 'false', '--library', watched]);
  // Right after the restart: the programme is not in the catalogue (it never was complete).
  expect((await catalogue()).some((p) => p.title === 'Two Voices')).toBe(false);
  const done = await until('the resumed programme', async () => (await catalogue()).find((p) => p.title === 'Two Voices'));
  expect(done.durationMs).toBe(120_000);
  expect((await readdir(media)).filter((n) => n.startsWith('.'))).toEqual([]);
}, 240_000);
