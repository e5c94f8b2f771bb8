/**
 * The cluster's outbox against a real global whose body limit is smaller than the backlog:
 * 200 acknowledged stops waited while global was away; when it is back, every one of them
 * arrives (batches are split to fit — before, the 413 deleted the whole batch), once each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors.ts';
import { FIXTURE_PROGRAMS, addTerminal, SERVICE, signUp, startTestServer } from '../testing/harness.ts';
import { httpGlobalClient, type GlobalClient } from '../global-client.ts';
import { Reporter } from './reporter.ts';
import type { PlaySession } from './sessions.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('cluster reporter', () => {
  it('delivers a backlog larger than global\'s body limit in full, splitting batches to fit', async () => {
    const global = await startTestServer({ roles: ['global'], bodyLimit: 16_384 });
    cleanups.push(() => global.close());
    const url = await global.app.listen({ host: '127.0.0.1', port: 0 });
    const user = await signUp(global.app, 'backlog@example.com');
    const tv = await addTerminal(global.app, user, 'TV', 'stb');
    const dir = await mkdtemp(join(tmpdir(), 'ra-reporter-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    // Global is away while the stops are acknowledged (the switch is ours; the HTTP and the 413 are real).
    let away = true;
    const http = httpGlobalClient(url, SERVICE);
    const client: GlobalClient = {
      ...http,
      report: (body) => (away ? Promise.reject(new AppError('UPSTREAM_UNAVAILABLE', 'away')) : http.report(body)),
    };
    const warnings: object[] = [];
    const reporter = new Reporter({ client, file: join(dir, 'outbox.sqlite'), log: { warn: (o) => warnings.push(o) }, retryBaseMs: 10_000 });
    cleanups.push(async () => reporter.close());
    const program = FIXTURE_PROGRAMS[0] as (typeof FIXTURE_PROGRAMS)[number];
    for (let i = 1; i <= 200; i++) {
      const session: PlaySession = {
        id: `sess-${i}`, userId: 'unused', terminalId: tv.id, terminalType: 'stb', profileId: null, program,
        startedAt: Date.now() - 60_000, lastSeenAt: Date.now(), position: { kind: 'offset', offsetMs: 60_000 + i * 1000 }, seq: i,
        resumedFrom: null, seekedBack: false, playToken: `pt-${'x'.repeat(40)}-${i}`, reportedSeq: -1, reportedAt: 0, closedAt: Date.now(),
      };
      await reporter.report({ session, event: 'stop' });
    }
    expect(reporter.pending).toBe(200);

    away = false;
    await reporter.flush();
    expect(reporter.pending).toBe(0);
    const rows = (await global.dump()).history_reports as { report_id: string }[];
    expect(rows.map((r) => r.report_id).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `sess-${i + 1}.${i + 1}`).sort());
    expect(warnings.filter((w) => 'count' in w)).toEqual([]);
    const [record] = (await global.global.store.listHistory((await global.global.store.findUserByLogin('backlog@example.com'))?.id ?? ''));
    expect(record?.seq).toBe(200);
  });
});
