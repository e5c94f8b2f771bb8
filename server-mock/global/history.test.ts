/**
 * Viewing history through the public API: idempotent replays, stale reports, the bad-stop
 * and unmoved-heartbeat guards (and a stop's exact point), offline sync with a wrong device clock, the catalogue filter,
 * "Remove from row", and aging.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HomePage, ProgramsAnswer } from '../../common/protocol/api.ts';
import {
  addTerminal,
  ADMIN_TOKEN,
  clusterReport,
  getHome,
  postReports,
  SERVICE_AUTH,
  signUp,
  startTestServer,
  type TestServer,
} from '../testing/harness.ts';

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
beforeEach(async () => {
  s = await startTestServer();
  user = await signUp(s.app, 'viewer@example.com');
  tv = await addTerminal(s.app, user, 'TV', 'stb');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
});
afterEach(async () => {
  await s.close();
});

const historyOf = async (terminalId: string) =>
  (await s.app.inject({ url: `/global/v1/programs?terminalId=${terminalId}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>()
    .history;

describe('reports', () => {
  it('a replayed report is a duplicate and changes nothing', async () => {
    const report = clusterReport(tv.id, 'ocean', 300_000, 1);
    expect((await postReports(s.app, [report])).json().results[0].outcome).toBe('applied');
    const before = (await s.dump());
    const again = await postReports(s.app, [report]);
    expect(again.statusCode).toBe(200);
    expect(again.json().results[0].outcome).toBe('duplicate');
    expect((await s.dump())).toEqual(before);
  });

  it('an older sequence never overwrites a newer breakpoint, whatever its clock says', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 600_000, 5)]);
    const late = clusterReport(tv.id, 'ocean', 100_000, 4, { observedAt: Date.now() + 3_600_000 });
    expect((await postReports(s.app, [late])).json().results[0].outcome).toBe('stale');
    const [record] = await historyOf(tv.id);
    expect(record?.breakpoint).toEqual({ kind: 'offset', offsetMs: 600_000 });
    expect(record?.seq).toBe(5);
  });

  it('reports of one batch apply in order', async () => {
    const res = await postReports(s.app, [
      clusterReport(tv.id, 'ocean', 100_000, 1, { event: 'heartbeat' }),
      clusterReport(tv.id, 'ocean', 200_000, 2, { event: 'heartbeat' }),
      clusterReport(tv.id, 'ocean', 150_000, 1, { event: 'heartbeat' }),
    ]);
    expect(res.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied', 'stale']);
    expect((await historyOf(tv.id))[0]?.breakpoint).toEqual({ kind: 'offset', offsetMs: 200_000 });
  });

  it('a paused terminal’s heartbeats keep its record alive but never make it the newest', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1, { event: 'pause' })]);
    await postReports(s.app, [clusterReport(phone.id, 'ocean', 500_000, 1)]);
    const heartbeat = await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 2, { event: 'heartbeat' })]);
    expect(heartbeat.json().results[0].outcome).toBe('kept');
    const home = (await getHome(s.app, tv.credential)).json<HomePage>();
    expect(home.continueWatching[0]?.record.terminalId).toBe(phone.id);
    expect(home.continueWatching[0]?.others.map((o) => o.terminalId)).toEqual([tv.id]);
  });

  it('a stop a moment after a seek is the point everyone resumes from, not the seek’s; it is not made newer', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1, { event: 'seek' })]);
    await postReports(s.app, [clusterReport(phone.id, 'ocean', 500_000, 1)]);
    // 78 ms of playing after the seek's report, the TV stops: under the 500 ms tolerance.
    const stop = await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_078, 2, { event: 'stop' })]);
    expect(stop.json().results[0].outcome).toBe('applied');
    const home = (await getHome(s.app, phone.credential)).json<HomePage>();
    expect(home.continueWatching[0]?.record.terminalId).toBe(phone.id);
    expect(home.continueWatching[0]?.others).toEqual([expect.objectContaining({ terminalId: tv.id, breakpoint: { kind: 'offset', offsetMs: 300_078 } })]);
    // A stop at exactly the stored point has nothing to write.
    expect((await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_078, 3, { event: 'stop' })])).json().results[0].outcome).toBe('kept');
  });

  it('a bad stop (resumed at X, closed near 0 without seeking back) does not erase X', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 900_000, 1)]);
    const bad = clusterReport(tv.id, 'ocean', 2_000, 2, { resumedFrom: { kind: 'offset', offsetMs: 900_000 } });
    expect((await postReports(s.app, [bad])).json().results[0].outcome).toBe('kept');
    expect((await historyOf(tv.id))[0]?.breakpoint).toEqual({ kind: 'offset', offsetMs: 900_000 });
    // The same position reached by a deliberate seek back is honoured.
    const sought = clusterReport(tv.id, 'ocean', 2_000, 3, { resumedFrom: { kind: 'offset', offsetMs: 900_000 }, seekedBack: true });
    expect((await postReports(s.app, [sought])).json().results[0].outcome).toBe('applied');
    expect((await historyOf(tv.id))[0]?.breakpoint).toEqual({ kind: 'offset', offsetMs: 2_000 });
  });

  it('a live breakpoint is kept as wall-clock time', async () => {
    const at = Date.now() - 10 * 60_000;
    await postReports(s.app, [clusterReport(tv.id, 'live-news', 0, 1, { breakpoint: { kind: 'wallclock', epochMs: at } })]);
    const home = (await getHome(s.app, phone.credential)).json<HomePage>();
    expect(home.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'wallclock', epochMs: at });
  });
});

describe('offline sync from the terminal itself', () => {
  const sync = (credential: string, body: object) =>
    s.app.inject({ method: 'POST', url: '/api/v1/history/sync', headers: { authorization: `Bearer ${credential}` }, payload: body });

  it('arrives as what it was, in order, with the device clock’s skew undone', async () => {
    const skew = -5 * 3_600_000; // the phone's clock is 5 hours slow
    const deviceNow = Date.now() + skew;
    const reports = [
      { reportId: 'offline-0001', programId: 'city', breakpoint: { kind: 'offset', offsetMs: 60_000 }, seq: 1, event: 'heartbeat', observedAt: deviceNow - 120_000 },
      { reportId: 'offline-0002', programId: 'city', breakpoint: { kind: 'offset', offsetMs: 180_000 }, seq: 2, event: 'stop', observedAt: deviceNow - 60_000 },
    ];
    const res = await sync(phone.credential, { sentAt: deviceNow, reports });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied']);
    const [record] = await historyOf(phone.id);
    expect(record?.breakpoint).toEqual({ kind: 'offset', offsetMs: 180_000 });
    // Played a minute ago by the server's clock, not five hours ago.
    expect(Math.abs(Date.now() - 60_000 - (record?.progressAt ?? 0))).toBeLessThan(5_000);
    // Sending the same outbox again (the reply was lost) is harmless.
    const replay = await sync(phone.credential, { sentAt: deviceNow + 1000, reports });
    expect(replay.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['duplicate', 'duplicate']);
  });

  it('a batch with one bad report is refused whole and says which', async () => {
    const before = (await s.dump());
    const res = await sync(phone.credential, {
      sentAt: Date.now(),
      reports: [
        { reportId: 'good-report-1', programId: 'city', breakpoint: { kind: 'offset', offsetMs: 60_000 }, seq: 1, event: 'stop', observedAt: Date.now() },
        { reportId: 'bad-report-2', programId: 'no-such-programme', breakpoint: { kind: 'offset', offsetMs: 1 }, seq: 2, event: 'stop', observedAt: Date.now() },
      ],
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'PROGRAM_NOT_FOUND', details: { rejected: [{ index: 1, reportId: 'bad-report-2' }] } });
    expect((await s.dump())).toEqual(before);
  });
});

describe('catalogue', () => {
  it('is filtered by the terminal’s type; without a terminal id it is the catalogue only', async () => {
    const ids = async (url: string) =>
      (await s.app.inject({ url, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().programs.map((p) => p.id).sort();
    expect(await ids(`/global/v1/programs?terminalId=${tv.id}`)).toEqual(['city', 'live-news', 'ocean', 'short', 'tv-only']);
    expect(await ids(`/global/v1/programs?terminalId=${phone.id}`)).toEqual(['city', 'laptop-only', 'live-news', 'ocean', 'short']);
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1)]);
    const all = (await s.app.inject({ url: '/global/v1/programs', headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>();
    expect(all.programs).toHaveLength(6);
    expect(all.history).toEqual([]);
    expect(all.terminal).toBeNull();
  });

  it('a programme the terminal type may not play is refused in reports', async () => {
    const res = await postReports(s.app, [clusterReport(phone.id, 'tv-only', 300_000, 1)]);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('PROGRAM_NOT_ALLOWED');
  });
});

describe('Remove from Continue watching', () => {
  it('sticks until the programme is played again', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1)]);
    const hide = await s.app.inject({ method: 'DELETE', url: '/api/v1/continue-watching/ocean', headers: { authorization: `Bearer ${phone.credential}` } });
    expect(hide.statusCode).toBe(200);
    expect((await getHome(s.app, tv.credential)).json<HomePage>().continueWatching).toEqual([]);
    // An unmoved heartbeat is not "playing again".
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 2, { event: 'heartbeat' })]);
    expect((await getHome(s.app, tv.credential)).json<HomePage>().continueWatching).toEqual([]);
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 320_000, 3)]);
    expect((await getHome(s.app, tv.credential)).json<HomePage>().continueWatching.map((c) => c.program.id)).toEqual(['ocean']);
  });
});

describe('aging (patent [0050])', () => {
  it('removes exactly the records older than the retention', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1), clusterReport(tv.id, 'city', 200_000, 1)]);
    // Make the ocean record 31 days old, the city record 29 days old.
    const day = 86_400_000;
    await s.exec(`UPDATE history SET updated_at = ${Date.now() - 31 * day} WHERE program_id = 'ocean'`);
    await s.exec(`UPDATE history SET updated_at = ${Date.now() - 29 * day} WHERE program_id = 'city'`);
    const res = await s.app.inject({ method: 'POST', url: '/admin/v1/retention/run', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().deletedRecords).toBe(1);
    expect((await historyOf(tv.id)).map((r) => r.programId)).toEqual(['city']);
  });
});

describe('withdrawn programmes (their media library file was removed)', () => {
  it('leave the catalogue and the row, refuse new reports, keep their records until they age out', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1), clusterReport(tv.id, 'city', 200_000, 1)]);
    expect((await getHome(s.app, tv.credential)).json<HomePage>().continueWatching.map((c) => c.program.id).sort()).toEqual(['city', 'ocean']);
    expect(await s.global.store.withdrawProgram('ocean', Date.now())).toBe(true);

    // Continue watching hides it (its card could not play); the catalogue and search leave it out.
    const home = (await getHome(s.app, tv.credential)).json<HomePage>();
    expect(home.continueWatching.map((c) => c.program.id)).toEqual(['city']);
    expect(home.catalogue.some((p) => p.id === 'ocean')).toBe(false);
    expect(home.progress.some((p) => p.programId === 'ocean')).toBe(false);
    // Its record is kept; a new report of it is refused by name, so an outbox drops just that one.
    expect((await historyOf(tv.id)).map((r) => r.programId).sort()).toEqual(['city', 'ocean']);
    const late = await postReports(s.app, [clusterReport(tv.id, 'ocean', 400_000, 2)]);
    expect([late.statusCode, late.json().code, late.json().details.rejected[0].code]).toEqual([410, 'PROGRAM_WITHDRAWN', 'PROGRAM_WITHDRAWN']);
    const catalogueOnly = (await s.app.inject({ url: '/global/v1/programs', headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>();
    expect(catalogueOnly.withdrawn).toEqual(['ocean']);

    // The aging job: the record goes when it is older than the retention, then the programme too.
    const day = 86_400_000;
    await s.exec(`UPDATE history SET updated_at = ${Date.now() - 31 * day} WHERE program_id = 'ocean'`);
    await s.exec(`UPDATE programs SET withdrawn_at = ${Date.now() - 31 * day} WHERE id = 'ocean'`);
    const res = await s.app.inject({ method: 'POST', url: '/admin/v1/retention/run', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.json()).toMatchObject({ deletedRecords: 1, deletedPrograms: 1 });
    expect((await historyOf(tv.id)).map((r) => r.programId)).toEqual(['city']);
    expect(await s.global.store.listWithdrawn()).toEqual([]);
  });
});
