/**
 * Data acknowledged before a `kill -9` of the server is there after restart: a real server
 * process over a real SQLite file receives reports concurrently, is killed mid-stream, and is
 * started again on the same data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgramsAnswer } from '../common/protocol/api.ts';
import { ADMIN_TOKEN, clusterReport, FIXTURE_PROGRAMS, SERVICE, SERVICE_AUTH } from './testing/harness.ts';
import { spawnServer, type ServerProcess } from './testing/process.ts';

let dir: string;
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  await rm(dir, { recursive: true, force: true });
});

const args = () => [
  '--port', '0', '--data', dir, '--seed-demo', 'false', '--admin-token', ADMIN_TOKEN,
  '--service-credentials', `${SERVICE.id}:${SERVICE.secret}`,
];

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('durability', () => {
  it('keeps every acknowledged report across kill -9', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-kill-'));
    server = await spawnServer(args());
    let url = server.url;
    const post = (path: string, body: unknown, auth: string) =>
      fetch(url + path, { method: path.startsWith('/admin') ? 'PUT' : 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await json(await post('/admin/v1/programs', { programs: FIXTURE_PROGRAMS }, `Bearer ${ADMIN_TOKEN}`));
    await json(await post('/api/v1/accounts', { login: 'k@example.com', password: 'kill-nine-test' }, ''));
    const { token } = await json<{ token: string }>(await post('/api/v1/sessions', { login: 'k@example.com', password: 'kill-nine-test' }, ''));
    const { terminal } = await json<{ terminal: { id: string } }>(await post('/api/v1/terminals', { name: 'TV', type: 'stb' }, `Bearer ${token}`));

    // Four writers, each on its own programme with its own increasing seq, until the kill.
    const programs = ['ocean', 'city', 'tv-only', 'short'];
    const acked = new Map<string, { seq: number; reportIds: string[] }>();
    let stop = false;
    const writer = async (programId: string) => {
      const durationMs = FIXTURE_PROGRAMS.find((p) => p.id === programId)?.durationMs ?? 0;
      for (let seq = 1; !stop; seq++) {
        const report = clusterReport(terminal.id, programId, (seq * 1000) % durationMs, seq);
        try {
          const res = await post('/global/v1/history', { sentAt: Date.now(), reports: [report] }, SERVICE_AUTH);
          if (res.status !== 200) return;
          const entry = acked.get(programId) ?? { seq: 0, reportIds: [] };
          entry.seq = seq;
          entry.reportIds.push(report.reportId);
          acked.set(programId, entry);
        } catch {
          return; // the server died under us: this report was never acknowledged
        }
      }
    };
    const writers = programs.map(writer);
    while ([...acked.values()].reduce((n, e) => n + e.reportIds.length, 0) < 300) await new Promise((r) => setTimeout(r, 5));
    await server.kill();
    stop = true;
    await Promise.all(writers);

    server = await spawnServer(args());
    url = server.url;
    const answer = await json<ProgramsAnswer>(
      await fetch(`${server.url}/global/v1/programs?terminalId=${terminal.id}`, { headers: { authorization: SERVICE_AUTH } }),
    );
    const total = [...acked.values()].reduce((n, e) => n + e.reportIds.length, 0);
    expect(total).toBeGreaterThanOrEqual(300);
    for (const [programId, { seq, reportIds }] of acked) {
      const record = answer.history.find((r) => r.programId === programId);
      expect(record, programId).toBeDefined();
      expect(record?.seq ?? 0).toBeGreaterThanOrEqual(seq);
      // Every acknowledged report id is remembered: replaying it is a duplicate.
      const replay = await json<{ results: { outcome: string }[] }>(
        await post(
          '/global/v1/history',
          { sentAt: Date.now(), reports: reportIds.slice(-20).map((reportId) => ({ ...clusterReport(terminal.id, programId, 0, 1), reportId })) },
          SERVICE_AUTH,
        ),
      );
      expect(new Set(replay.results.map((r) => r.outcome))).toEqual(new Set(['duplicate']));
    }
  }, 60_000);
});
