/**
 * The behaviour every `Store` implementation must show, as a vitest suite. Each store's own
 * test file calls `storeConformance(name, makeStore)`; `makeStore` must return a fresh, empty,
 * migrated store for every test (the suite closes it afterwards).
 *
 * Decisions come from the real rules (`decideReport` with the default thresholds), so the
 * suite exercises the store the way the global role will.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Breakpoint, Program, TerminalType, TrackChoice } from '../../common/protocol/model.ts';
import type { ReportEvent } from '../../common/protocol/api.ts';
import { DEFAULT_RESUME_RULES, classify, decideReport, type ProgramFacts, type StoredPoint } from '../../common/resume.ts';
import { defaultProfileId, type ApplyReportInput, type Store, type TerminalRow, type UserRow } from './types.ts';

/** A fixed "now" for fixtures (2023-11-14), far from any boundary. */
export const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const FACTS: ProgramFacts = { kind: 'vod', durationMs: HOUR };

/** A user fixture. */
export function userFixture(id: string, login = id.toLowerCase()): UserRow {
  return { id, login, displayName: `Name of ${id}`, passwordHash: `scrypt$${id}`, createdAt: T0, role: 'member', sharedHistory: false };
}

/** A terminal fixture. */
export function terminalFixture(id: string, userId: string, type: TerminalType = 'pc'): TerminalRow {
  return { id, userId, name: `Terminal ${id}`, type, credentialHash: `cred-${id}`, createdAt: T0, lastSeenAt: null, revokedAt: null, profileId: defaultProfileId(userId) };
}

/** A programme fixture (VOD of one hour unless overridden). */
export function programFixture(id: string, title: string, terminalTypes: TerminalType[] = ['stb', 'mobile', 'pc'], extra: Partial<Program> = {}): Program {
  return {
    id, title, synopsis: `About ${title}`, durationMs: HOUR, kind: 'vod', terminalTypes,
    artwork: `/art/${id}.jpg`, links: [{ dash: `${id}/manifest.mpd` }], ...extra,
  };
}

/** What a test says about one report; the rest is filled in realistically. */
export interface ReportSpec {
  reportId: string;
  terminal: TerminalRow;
  /** Default: the terminal's user's default profile. */
  profileId?: string;
  programId?: string;
  seq: number;
  breakpoint?: Breakpoint;
  offsetMs?: number;
  now?: number;
  event?: ReportEvent;
  playToken?: string | null;
  resumedFrom?: Breakpoint;
  tracks?: TrackChoice;
  /** Replace the real decision (to count calls, or to throw). */
  decide?: (stored: StoredPoint | null) => ReturnType<ApplyReportInput['decide']>;
}

/** An `ApplyReportInput` whose `decide` is `decideReport` under the default rules. */
export function reportInput(r: ReportSpec): ApplyReportInput {
  const now = r.now ?? T0 + r.seq * 1000;
  const breakpoint: Breakpoint = r.breakpoint ?? { kind: 'offset', offsetMs: r.offsetMs ?? r.seq * 60_000 };
  return {
    reportId: r.reportId, userId: r.terminal.userId, profileId: r.profileId ?? defaultProfileId(r.terminal.userId), terminalId: r.terminal.id, terminalType: r.terminal.type,
    programId: r.programId ?? 'sintel', durationMs: HOUR, event: r.event ?? 'heartbeat',
    playToken: r.playToken ?? null, now, ...(r.tracks ? { tracks: r.tracks } : {}),
    decide: r.decide ?? ((stored) =>
      decideReport(stored, { seq: r.seq, breakpoint, observedAt: now, resumedFrom: r.resumedFrom }, FACTS, DEFAULT_RESUME_RULES)),
    statusOf: (b) => classify(b, { ...FACTS, timeshiftWindowSec: 3600 }, DEFAULT_RESUME_RULES, now),
  };
}

/** Register the conformance suite for one Store implementation. */
export function storeConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const bob = userFixture('user-bob0');
    const aliceStb = terminalFixture('term-alice-stb', alice.id, 'stb');
    const alicePhone = terminalFixture('term-alice-phone', alice.id, 'mobile');
    const bobPc = terminalFixture('term-bob-pc', bob.id, 'pc');
    const sintel = programFixture('sintel', 'Sintel', ['stb', 'mobile', 'pc'], { titles: { 'zh-CN': '辛特尔' } });
    const bbb = programFixture('bbb', 'Big Buck Bunny', ['stb', 'pc']);
    const news = programFixture('news', 'News 24', ['mobile'], { kind: 'live', timeshiftWindowSec: 7200 });

    /** Everything a caller can observe, to prove that a failed call changed nothing. */
    async function snapshot() {
      return {
        users: await store.countUsers(),
        programs: await store.listPrograms(),
        terminals: [await store.listTerminals(alice.id), await store.listTerminals(bob.id)],
        history: [await store.listHistory(alice.id), await store.listHistory(bob.id)].map(sortRows),
        hidden: [await store.listHidden(alice.id), await store.listHidden(bob.id)],
      };
    }
    const sortRows = <T extends { terminalId: string; programId: string }>(rows: T[]) =>
      [...rows].sort((a, b) => `${a.terminalId}/${a.programId}`.localeCompare(`${b.terminalId}/${b.programId}`));
    const apply = (r: ReportSpec) => store.applyReport(reportInput(r));
    const rowOf = async (t: TerminalRow, programId = 'sintel') =>
      (await store.listHistory(t.userId)).find((h) => h.terminalId === t.id && h.programId === programId);

    beforeEach(async () => {
      store = await makeStore();
      for (const u of [alice, bob]) expect(await store.createUser(u)).toBe(true);
      for (const t of [aliceStb, alicePhone, bobPc]) await store.createTerminal(t);
      await store.upsertPrograms([sintel, bbb, news]);
    });
    afterEach(async () => {
      await store.close();
    });

    describe('users and sessions', () => {
      it('round-trips users by id and login', async () => {
        expect(await store.getUser(alice.id)).toEqual(alice);
        expect(await store.findUserByLogin(bob.login)).toEqual(bob);
        expect(await store.getUser('nobody-x')).toBeNull();
        expect(await store.findUserByLogin('nobody')).toBeNull();
        expect(await store.countUsers()).toBe(2);
      });
      it('refuses a taken login and writes nothing', async () => {
        const clash = { ...userFixture('user-other'), login: alice.login };
        expect(await store.createUser(clash)).toBe(false);
        expect(await store.getUser('user-other')).toBeNull();
        expect(await store.findUserByLogin(alice.login)).toEqual(alice);
        expect(await store.countUsers()).toBe(2);
      });
      it('finds a session only before it expires, and deletes it', async () => {
        await store.createUserSession({ tokenHash: 'tok-1', userId: alice.id, createdAt: T0, expiresAt: T0 + HOUR });
        expect(await store.findUserSession('tok-1', T0 + HOUR - 1)).toEqual({ tokenHash: 'tok-1', userId: alice.id, createdAt: T0, expiresAt: T0 + HOUR });
        expect(await store.findUserSession('tok-1', T0 + HOUR)).toBeNull();
        expect(await store.findUserSession('tok-1', T0 + 2 * HOUR)).toBeNull();
        expect(await store.findUserSession('tok-unknown', T0)).toBeNull();
        await store.deleteUserSession('tok-1');
        await store.deleteUserSession('tok-1'); // deleting twice is harmless
        expect(await store.findUserSession('tok-1', T0)).toBeNull();
      });
    });

    describe('terminals', () => {
      it('round-trips and lists only the owner\'s terminals', async () => {
        expect(await store.getTerminal(aliceStb.id)).toEqual(aliceStb);
        expect(await store.findTerminalByCredential(bobPc.credentialHash)).toEqual(bobPc);
        expect(await store.findTerminalByCredential('cred-none')).toBeNull();
        expect((await store.listTerminals(alice.id)).map((t) => t.id).sort()).toEqual([alicePhone.id, aliceStb.id].sort());
        expect(await store.listTerminals(bob.id)).toEqual([bobPc]);
      });
      it('refuses a duplicate credential hash', async () => {
        await expect(store.createTerminal({ ...terminalFixture('term-dup-cred', alice.id), credentialHash: aliceStb.credentialHash })).rejects.toThrow();
        expect(await store.getTerminal('term-dup-cred')).toBeNull();
      });
      it('renames only a terminal of that user', async () => {
        expect(await store.renameTerminal(alice.id, aliceStb.id, 'Living room')).toBe(true);
        expect((await store.getTerminal(aliceStb.id))?.name).toBe('Living room');
        expect(await store.renameTerminal(bob.id, aliceStb.id, 'Hijacked')).toBe(false);
        expect(await store.renameTerminal(alice.id, 'term-unknown', 'X')).toBe(false);
        expect((await store.getTerminal(aliceStb.id))?.name).toBe('Living room');
      });
      it('changes the type only of a terminal of that user', async () => {
        expect(await store.setTerminalType(alice.id, alicePhone.id, 'pc')).toBe(true);
        expect((await store.getTerminal(alicePhone.id))?.type).toBe('pc');
        expect(await store.setTerminalType(bob.id, alicePhone.id, 'stb')).toBe(false);
        expect(await store.setTerminalType(alice.id, 'term-unknown', 'stb')).toBe(false);
        expect((await store.getTerminal(alicePhone.id))?.type).toBe('pc');
        expect(await store.setTerminalType(alice.id, alicePhone.id, 'mobile')).toBe(true);
      });
      it('deletes only a terminal of that user, with its history', async () => {
        await apply({ reportId: 'rep-del-1', terminal: aliceStb, seq: 1 });
        await apply({ reportId: 'rep-del-2', terminal: alicePhone, seq: 1 });
        await apply({ reportId: 'rep-del-3', terminal: bobPc, seq: 1 });
        const before = await snapshot();
        expect(await store.deleteTerminal(bob.id, aliceStb.id, T0)).toBe(false);
        expect(await store.deleteTerminal(alice.id, 'term-unknown', T0)).toBe(false);
        expect(await snapshot()).toEqual(before);
        expect(await store.deleteTerminal(alice.id, aliceStb.id, T0)).toBe(true);
        expect(await store.getTerminal(aliceStb.id)).toBeNull();
        expect((await store.listHistory(alice.id)).map((h) => h.terminalId)).toEqual([alicePhone.id]);
        expect(await store.listHistory(bob.id)).toHaveLength(1);
      });
      it('touch records when the terminal was last seen, never moving back', async () => {
        await store.touchTerminal(aliceStb.id, T0 + 5000);
        expect((await store.getTerminal(aliceStb.id))?.lastSeenAt).toBe(T0 + 5000);
        await store.touchTerminal(aliceStb.id, T0 + 9000);
        await store.touchTerminal(aliceStb.id, T0 + 7000);
        expect((await store.getTerminal(aliceStb.id))?.lastSeenAt).toBe(T0 + 9000);
        await store.touchTerminal('term-unknown', T0); // no error
      });
    });

    describe('programmes', () => {
      it('round-trips the whole programme document', async () => {
        expect(await store.getProgram('sintel')).toEqual(sintel);
        expect(await store.getProgram('news')).toEqual(news);
        expect(await store.getProgram('nothing')).toBeNull();
        expect(await store.countPrograms()).toBe(3);
      });
      it('orders by title then id and filters by terminal type', async () => {
        await store.upsertPrograms([programFixture('sintel-2', 'Sintel', ['pc'])]);
        expect((await store.listPrograms()).map((p) => p.id)).toEqual(['bbb', 'news', 'sintel', 'sintel-2']);
        expect((await store.listPrograms('stb')).map((p) => p.id)).toEqual(['bbb', 'sintel']);
        expect((await store.listPrograms('mobile')).map((p) => p.id)).toEqual(['news', 'sintel']);
        expect((await store.listPrograms('pc')).map((p) => p.id)).toEqual(['bbb', 'sintel', 'sintel-2']);
      });
      it('replaces by id, keeping the programme\'s history', async () => {
        await apply({ reportId: 'rep-prog-1', terminal: aliceStb, seq: 1 });
        const renamed = { ...sintel, title: 'Sintel (2010)', terminalTypes: ['pc' as const] };
        await store.upsertPrograms([renamed]);
        expect(await store.getProgram('sintel')).toEqual(renamed);
        expect((await store.listPrograms('stb')).map((p) => p.id)).toEqual(['bbb']);
        expect(await store.countPrograms()).toBe(3);
        expect(await rowOf(aliceStb)).toBeDefined();
      });
      it('writes all programmes of a batch or none', async () => {
        const before = await snapshot();
        const bad = { ...programFixture('broken', 'Broken'), terminalTypes: ['tv' as TerminalType] };
        const changed = { ...bbb, title: 'Changed' };
        await expect(store.upsertPrograms([changed, programFixture('fresh', 'Fresh'), bad])).rejects.toThrow();
        expect(await snapshot()).toEqual(before);
        await store.upsertPrograms([]);
        expect(await store.countPrograms()).toBe(3);
      });
      it('deletes a programme with its history and hidden marks', async () => {
        await apply({ reportId: 'rep-prog-2', terminal: aliceStb, seq: 1 });
        await apply({ reportId: 'rep-prog-3', terminal: aliceStb, programId: 'bbb', seq: 1 });
        await store.hideProgram(alice.id, defaultProfileId(alice.id), 'sintel', T0);
        expect(await store.deleteProgram('sintel')).toBe(true);
        expect(await store.deleteProgram('sintel')).toBe(false);
        expect(await store.getProgram('sintel')).toBeNull();
        expect((await store.listHistory(alice.id)).map((h) => h.programId)).toEqual(['bbb']);
        expect(await store.listHidden(alice.id)).toEqual([]);
      });
    });

    describe('applyReport', () => {
      it('writes the first report with every field', async () => {
        const res = await apply({ reportId: 'rep-first', terminal: aliceStb, seq: 3, offsetMs: 20 * 60_000, event: 'stop', playToken: 'tok-a', now: T0 + 10 });
        const expected = {
          userId: alice.id, terminalId: aliceStb.id, terminalType: 'stb', programId: 'sintel',
          breakpoint: { kind: 'offset', offsetMs: 20 * 60_000 }, durationMs: HOUR, seq: 3, progressAt: T0 + 10,
          updatedAt: T0 + 10, status: 'in-progress', lastEvent: 'stop', playToken: 'tok-a', profileId: defaultProfileId(alice.id),
        };
        expect(res).toEqual({ outcome: 'applied', row: expected });
        expect(await store.listHistory(alice.id)).toEqual([{ ...expected, terminalName: aliceStb.name }]);
      });
      it('stores a track choice field by field; a report without one keeps it; stale changes nothing', async () => {
        const first = await apply({ reportId: 'rep-tr-1', terminal: aliceStb, seq: 1, tracks: { audioLanguage: 'fr', subtitleLanguage: 'zh' } });
        expect(first.row?.tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'zh' });
        await apply({ reportId: 'rep-tr-2', terminal: aliceStb, seq: 2, tracks: { subtitleLanguage: null, playbackRate: 1.5 } });
        await apply({ reportId: 'rep-tr-3', terminal: aliceStb, seq: 3 });
        expect(await apply({ reportId: 'rep-tr-0', terminal: aliceStb, seq: 1, tracks: { audioLanguage: 'de' } })).toEqual({ outcome: 'stale', row: null });
        expect((await rowOf(aliceStb))?.tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: null, playbackRate: 1.5 });
      });
      it('orders by seq: newer applies, older or equal is stale and recorded', async () => {
        await apply({ reportId: 'rep-seq-5', terminal: aliceStb, seq: 5 });
        expect((await apply({ reportId: 'rep-seq-7', terminal: aliceStb, seq: 7 })).outcome).toBe('applied');
        const before = await snapshot();
        expect(await apply({ reportId: 'rep-seq-6', terminal: aliceStb, seq: 6 })).toEqual({ outcome: 'stale', row: null });
        expect(await apply({ reportId: 'rep-seq-7b', terminal: aliceStb, seq: 7 })).toEqual({ outcome: 'stale', row: null });
        expect(await snapshot()).toEqual(before);
        expect(await apply({ reportId: 'rep-seq-6', terminal: aliceStb, seq: 6 })).toEqual({ outcome: 'duplicate', row: null });
        expect((await rowOf(aliceStb))?.seq).toBe(7);
      });
      it('treats a replayed report id as duplicate without deciding again', async () => {
        await apply({ reportId: 'rep-dup', terminal: aliceStb, seq: 1 });
        const before = await snapshot();
        let calls = 0;
        const res = await apply({ reportId: 'rep-dup', terminal: aliceStb, seq: 9, decide: () => { calls++; throw new Error('must not be called'); } });
        expect(res).toEqual({ outcome: 'duplicate', row: null });
        expect(calls).toBe(0);
        expect(await snapshot()).toEqual(before);
      });
      it('keeps the breakpoint and progress time on an unmoved heartbeat', async () => {
        await apply({ reportId: 'rep-hb-1', terminal: aliceStb, seq: 1, offsetMs: 600_000, now: T0 });
        const res = await apply({ reportId: 'rep-hb-2', terminal: aliceStb, seq: 2, offsetMs: 600_200, now: T0 + 30_000, event: 'pause' });
        expect(res.outcome).toBe('kept');
        expect(res.row).toMatchObject({
          seq: 2, breakpoint: { kind: 'offset', offsetMs: 600_000 }, progressAt: T0, updatedAt: T0 + 30_000, lastEvent: 'pause',
        });
        expect(await rowOf(aliceStb)).toMatchObject({ seq: 2, progressAt: T0, updatedAt: T0 + 30_000 });
      });
      it('keeps the resume point against a bad stop', async () => {
        await apply({ reportId: 'rep-bad-1', terminal: aliceStb, seq: 1, offsetMs: 1_800_000 });
        const resumedFrom: Breakpoint = { kind: 'offset', offsetMs: 1_800_000 };
        const res = await apply({ reportId: 'rep-bad-2', terminal: aliceStb, seq: 2, offsetMs: 0, event: 'stop', resumedFrom });
        expect(res.outcome).toBe('kept');
        expect((await rowOf(aliceStb))?.breakpoint).toEqual({ kind: 'offset', offsetMs: 1_800_000 });
      });
      it('calls decide exactly once per non-duplicate report, with the stored point', async () => {
        const seen: (StoredPoint | null)[] = [];
        const point = (seq: number): StoredPoint => ({ seq, breakpoint: { kind: 'offset', offsetMs: seq * 1000 }, progressAt: T0 + seq });
        const spy = (seq: number, reportId: string) => apply({
          reportId, terminal: aliceStb, seq,
          decide: (stored) => {
            seen.push(stored);
            return stored && seq <= stored.seq ? { outcome: 'stale' } : { outcome: 'applied', reason: 'moved', next: point(seq) };
          },
        });
        await spy(1, 'rep-once-1');
        await spy(2, 'rep-once-2');
        await spy(1, 'rep-once-3'); // stale: still decided once
        await spy(2, 'rep-once-2'); // duplicate: not decided
        expect(seen).toEqual([null, point(1), point(2)]);
      });
      it('rolls everything back when decide or statusOf throws', async () => {
        await apply({ reportId: 'rep-throw-0', terminal: aliceStb, seq: 1 });
        const before = await snapshot();
        await expect(apply({ reportId: 'rep-throw-1', terminal: aliceStb, seq: 2, decide: () => { throw new Error('boom'); } })).rejects.toThrow('boom');
        const badStatus = {
          ...reportInput({ reportId: 'rep-throw-2', terminal: alicePhone, seq: 1 }),
          statusOf: () => { throw new Error('bang'); },
        };
        await expect(store.applyReport(badStatus)).rejects.toThrow('bang');
        expect(await snapshot()).toEqual(before);
        // The report ids were not remembered: a retry is decided normally.
        expect((await apply({ reportId: 'rep-throw-1', terminal: aliceStb, seq: 2 })).outcome).toBe('applied');
        expect((await apply({ reportId: 'rep-throw-2', terminal: alicePhone, seq: 1 })).outcome).toBe('applied');
      });
      it('keeps the old play token when the report has none', async () => {
        await apply({ reportId: 'rep-tok-1', terminal: aliceStb, seq: 1, playToken: 'tok-1' });
        expect((await apply({ reportId: 'rep-tok-2', terminal: aliceStb, seq: 2 })).row?.playToken).toBe('tok-1');
        expect((await apply({ reportId: 'rep-tok-3', terminal: aliceStb, seq: 3, playToken: 'tok-3' })).row?.playToken).toBe('tok-3');
        expect((await rowOf(aliceStb))?.playToken).toBe('tok-3');
        expect((await apply({ reportId: 'rep-tok-4', terminal: alicePhone, seq: 1 })).row?.playToken).toBeNull();
      });
      it('stores a wall-clock breakpoint and the status for it', async () => {
        const breakpoint: Breakpoint = { kind: 'wallclock', epochMs: T0 - 10 * 60_000 };
        const res = await apply({ reportId: 'rep-live-1', terminal: alicePhone, programId: 'news', seq: 1, breakpoint, now: T0 });
        expect(res.row).toMatchObject({ breakpoint, status: 'in-progress' });
        expect((await rowOf(alicePhone, 'news'))?.breakpoint).toEqual(breakpoint);
      });
      it('keeps one record per terminal and programme', async () => {
        await apply({ reportId: 'rep-per-1', terminal: aliceStb, seq: 4, offsetMs: 100_000 });
        await apply({ reportId: 'rep-per-2', terminal: alicePhone, seq: 1, offsetMs: 900_000 });
        await apply({ reportId: 'rep-per-3', terminal: aliceStb, programId: 'bbb', seq: 1 });
        const rows = sortRows(await store.listHistory(alice.id));
        expect(rows.map((r) => [r.terminalId, r.programId, r.seq])).toEqual([
          [alicePhone.id, 'sintel', 1], [aliceStb.id, 'bbb', 1], [aliceStb.id, 'sintel', 4],
        ]);
        expect(rows.map((r) => r.terminalName)).toEqual([alicePhone.name, aliceStb.name, aliceStb.name]);
      });
      it('refuses a report for an unknown terminal or programme, remembering nothing', async () => {
        const before = await snapshot();
        await expect(apply({ reportId: 'rep-unk-1', terminal: terminalFixture('term-ghost', alice.id), seq: 1 })).rejects.toThrow();
        await expect(apply({ reportId: 'rep-unk-2', terminal: aliceStb, programId: 'ghost', seq: 1 })).rejects.toThrow();
        expect(await snapshot()).toEqual(before);
        expect((await apply({ reportId: 'rep-unk-2', terminal: aliceStb, seq: 1 })).outcome).toBe('applied');
      });
      it('serialises concurrent reports of one record', async () => {
        const seqs = Array.from({ length: 40 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 41) - ((b * 7919) % 41));
        const results = await Promise.all(seqs.map((seq) => apply({ reportId: `rep-conc-${seq}`, terminal: aliceStb, seq })));
        expect(results.filter((r) => r.outcome === 'applied').length).toBeGreaterThan(0);
        expect((await rowOf(aliceStb))?.seq).toBe(40);
      });
    });

    describe('applyReports', () => {
      it('applies a batch in order and reports each outcome', async () => {
        const res = await store.applyReports([
          reportInput({ reportId: 'rep-b-1', terminal: aliceStb, seq: 1, offsetMs: 600_000 }),
          reportInput({ reportId: 'rep-b-2', terminal: aliceStb, seq: 2, offsetMs: 600_100 }),
          reportInput({ reportId: 'rep-b-3', terminal: aliceStb, seq: 2, offsetMs: 900_000 }),
          reportInput({ reportId: 'rep-b-1', terminal: aliceStb, seq: 3 }),
          reportInput({ reportId: 'rep-b-4', terminal: bobPc, seq: 1 }),
        ]);
        expect(res.map((r) => r.outcome)).toEqual(['applied', 'kept', 'stale', 'duplicate', 'applied']);
        expect(res[4]?.row?.userId).toBe(bob.id);
        expect(await store.applyReports([])).toEqual([]);
      });
      it('applies nothing of a batch when one report faults', async () => {
        await apply({ reportId: 'rep-bf-0', terminal: aliceStb, seq: 1 });
        const before = await snapshot();
        await expect(store.applyReports([
          reportInput({ reportId: 'rep-bf-1', terminal: aliceStb, seq: 2 }),
          reportInput({ reportId: 'rep-bf-2', terminal: bobPc, seq: 1 }),
          reportInput({ reportId: 'rep-bf-3', terminal: alicePhone, seq: 1, decide: () => { throw new Error('fault'); } }),
        ])).rejects.toThrow('fault');
        expect(await snapshot()).toEqual(before);
        expect((await apply({ reportId: 'rep-bf-1', terminal: aliceStb, seq: 2 })).outcome).toBe('applied');
      });
      it('takes 500 reports in one call', async () => {
        const inputs = Array.from({ length: 500 }, (_, i) =>
          reportInput({ reportId: `rep-many-${i}`, terminal: i % 2 ? aliceStb : bobPc, seq: i + 1, offsetMs: i * 5000 }));
        const res = await store.applyReports(inputs);
        expect(res.every((r) => r.outcome === 'applied')).toBe(true);
        expect((await rowOf(aliceStb))?.seq).toBe(500);
        expect((await rowOf(bobPc))?.seq).toBe(499);
      });
    });

    describe('isolation between users', () => {
      it('never shows or changes one user\'s data through another user', async () => {
        await apply({ reportId: 'rep-iso-a', terminal: aliceStb, seq: 1 });
        await apply({ reportId: 'rep-iso-b', terminal: bobPc, seq: 1 });
        await store.hideProgram(alice.id, defaultProfileId(alice.id), 'bbb', T0);
        const aliceRows = await store.listHistory(alice.id);
        const bobRows = await store.listHistory(bob.id);
        expect(aliceRows.every((r) => r.userId === alice.id && r.terminalId === aliceStb.id)).toBe(true);
        expect(bobRows.map((r) => r.terminalId)).toEqual([bobPc.id]);
        expect(await store.listHidden(bob.id)).toEqual([]);
        expect(await store.listHistory('user-nobody')).toEqual([]);
      });
      it('refuses a report that names another user\'s terminal', async () => {
        await apply({ reportId: 'rep-xu-0', terminal: bobPc, seq: 1 });
        const before = await snapshot();
        const forged = { ...bobPc, userId: alice.id };
        await expect(apply({ reportId: 'rep-xu-1', terminal: forged, seq: 2 })).rejects.toThrow();
        await expect(apply({ reportId: 'rep-xu-2', terminal: forged, programId: 'bbb', seq: 1 })).rejects.toThrow();
        // Even when the decision would be 'stale' (nothing to write), the mismatch is refused.
        await expect(apply({ reportId: 'rep-xu-3', terminal: forged, seq: 1 })).rejects.toThrow();
        expect(await snapshot()).toEqual(before);
      });
      it('labels rows with the terminal\'s current name', async () => {
        await apply({ reportId: 'rep-lbl', terminal: aliceStb, seq: 1 });
        await store.renameTerminal(alice.id, aliceStb.id, 'Bedroom TV');
        expect((await rowOf(aliceStb))?.terminalName).toBe('Bedroom TV');
      });
    });

    describe('hidden programmes', () => {
      it('upserts, the later call winning', async () => {
        await store.hideProgram(alice.id, defaultProfileId(alice.id), 'sintel', T0 + 100);
        await store.hideProgram(alice.id, defaultProfileId(alice.id), 'sintel', T0 + 50);
        await store.hideProgram(alice.id, defaultProfileId(alice.id), 'bbb', T0);
        const hidden = (await store.listHidden(alice.id)).sort((a, b) => a.programId.localeCompare(b.programId));
        expect(hidden).toEqual([{ programId: 'bbb', hiddenAt: T0 }, { programId: 'sintel', hiddenAt: T0 + 50 }]);
      });
    });

    describe('aging', () => {
      it('deletes records and report ids strictly older than the cutoff', async () => {
        await apply({ reportId: 'rep-age-1', terminal: aliceStb, seq: 1, now: T0 - 1 });
        await apply({ reportId: 'rep-age-2', terminal: alicePhone, seq: 1, now: T0 });
        await apply({ reportId: 'rep-age-3', terminal: bobPc, seq: 1, now: T0 + 1 });
        expect(await store.deleteOlderThan(T0)).toEqual({ records: 1, reports: 1, programs: 0 });
        expect((await store.listHistory(alice.id)).map((r) => r.terminalId)).toEqual([alicePhone.id]);
        expect(await store.listHistory(bob.id)).toHaveLength(1);
        // Forgotten ids are decided again; remembered ones are still duplicates.
        expect((await apply({ reportId: 'rep-age-1', terminal: aliceStb, seq: 1, now: T0 + 5 })).outcome).toBe('applied');
        expect((await apply({ reportId: 'rep-age-2', terminal: alicePhone, seq: 1 })).outcome).toBe('duplicate');
        expect(await store.deleteOlderThan(T0)).toEqual({ records: 0, reports: 0, programs: 0 });
      });
    });

    describe('lifecycle', () => {
      it('closes idempotently', async () => {
        await store.close();
        await store.close();
      });
    });
  });
}
