/**
 * The Continue-watching row (docs/ARCHITECTURE.md §5): one card per programme from the newest record
 * across the user's terminals, accidental opens never hide a real point, watched programmes
 * leave the row, "Remove from row" sticks until the programme moves again.
 */
import { describe, expect, it } from 'vitest';
import { buildContinueWatching, buildHomeRows, buildProgress, compareNewest, type ContinueInputs } from './home.ts';
import type { Breakpoint, Program, TerminalType, ViewingRecord } from './protocol/model.ts';
import { DEFAULT_RESUME_RULES } from './resume.ts';

const MIN = 60_000;
const NOW = Date.UTC(2025, 5, 1, 20, 0, 0);
const rules = DEFAULT_RESUME_RULES;

function program(id: string, patch: Partial<Program> = {}): Program {
  return {
    id,
    title: `Title of ${id}`,
    synopsis: '',
    durationMs: 100 * MIN, // 1 % = 1 minute: 5 % = 5 min, 90 % = 90 min
    kind: 'vod',
    terminalTypes: ['stb', 'mobile', 'pc'],
    artwork: `/art/${id}.jpg`,
    links: [{ dash: `${id}/manifest.mpd` }],
    ...patch,
  };
}

const TERMINALS = {
  stb: { terminalId: 'term-stb-0001', terminalName: 'Living-room TV', terminalType: 'stb' },
  phone: { terminalId: 'term-mob-0002', terminalName: 'Phone', terminalType: 'mobile' },
  pc: { terminalId: 'term-pc-00003', terminalName: 'Laptop', terminalType: 'pc' },
} as const satisfies Record<string, { terminalId: string; terminalName: string; terminalType: TerminalType }>;

const at = (offsetMs: number): Breakpoint => ({ kind: 'offset', offsetMs });
const wall = (epochMs: number): Breakpoint => ({ kind: 'wallclock', epochMs });

/** A record of `programId` on terminal `on`, whose position last moved `agoMs` before NOW. */
function record(
  on: keyof typeof TERMINALS,
  programId: string,
  breakpoint: Breakpoint,
  agoMs: number,
  patch: Partial<ViewingRecord> = {},
): ViewingRecord {
  return {
    userId: 'user-alice-01',
    ...TERMINALS[on],
    programId,
    breakpoint,
    durationMs: breakpoint.kind === 'offset' ? 100 * MIN : 0,
    seq: 1,
    progressAt: NOW - agoMs,
    updatedAt: NOW - agoMs,
    status: 'in-progress',
    ...patch,
  };
}

const film = program('film');
const series = program('series-e1');
const doc = program('doc');
const channel = program('news-live', { kind: 'live', durationMs: 30 * MIN, timeshiftWindowSec: 7200 });
const pcOnly = program('pc-only', { terminalTypes: ['pc'] });

function row(patch: Partial<ContinueInputs>) {
  return buildContinueWatching({
    programs: [film, series, doc, channel, pcOnly],
    history: [],
    hidden: [],
    terminalType: 'mobile',
    rules,
    now: NOW,
    ...patch,
  });
}

describe('compareNewest', () => {
  const a = record('stb', 'film', at(10 * MIN), 5 * MIN);

  it('orders by progressAt, newest first', () => {
    const older = record('phone', 'film', at(10 * MIN), 6 * MIN);
    expect([older, a].sort(compareNewest)).toEqual([a, older]);
    expect(compareNewest(a, older)).toBeLessThan(0);
    expect(compareNewest(older, a)).toBeGreaterThan(0);
  });

  it('breaks progressAt ties by updatedAt, newest first', () => {
    const touched = record('phone', 'film', at(10 * MIN), 5 * MIN, { updatedAt: NOW });
    expect([a, touched].sort(compareNewest)).toEqual([touched, a]);
  });

  it('breaks full ties by terminal id, ascending, for a stable order', () => {
    const twin = record('phone', 'film', at(10 * MIN), 5 * MIN);
    expect([a, twin].sort(compareNewest).map((r) => r.terminalId)).toEqual(['term-mob-0002', 'term-stb-0001']);
    expect(compareNewest(a, { ...a })).toBe(0);
  });
});

describe('buildContinueWatching', () => {
  it('is empty without history', () => {
    expect(row({})).toEqual([]);
  });

  it('makes one card per programme from three terminals, the newest naming its terminal', () => {
    const stb = record('stb', 'film', at(20 * MIN), 60 * MIN);
    const phone = record('phone', 'film', at(42 * MIN), 5 * MIN);
    const pc = record('pc', 'film', at(30 * MIN), 30 * MIN);
    const items = row({ history: [stb, phone, pc] });

    expect(items).toHaveLength(1);
    const [card] = items;
    expect(card?.program).toBe(film);
    expect(card?.record).toEqual(phone);
    expect(card?.record.terminalName).toBe('Phone');
    expect(card?.percent).toBe(42);
    expect(card?.remainingMs).toBe(58 * MIN);
    expect(card?.others).toEqual([
      {
        terminalId: 'term-pc-00003',
        terminalName: 'Laptop',
        terminalType: 'pc',
        breakpoint: at(30 * MIN),
        progressAt: NOW - 30 * MIN,
        percent: 30,
      },
      {
        terminalId: 'term-stb-0001',
        terminalName: 'Living-room TV',
        terminalType: 'stb',
        breakpoint: at(20 * MIN),
        progressAt: NOW - 60 * MIN,
        percent: 20,
      },
    ]);
  });

  it('does not let a newer record below the resume minimum hide an older in-progress one', () => {
    const real = record('stb', 'film', at(40 * MIN), 2 * 60 * MIN);
    const accidental = record('phone', 'film', at(30_000), MIN); // 0.5 %: open and close
    const [card, ...rest] = row({ history: [accidental, real] });
    expect(rest).toEqual([]);
    expect(card?.record.terminalId).toBe('term-stb-0001');
    expect(card?.percent).toBe(40);
    expect(card?.others).toEqual([]); // the accidental point is not "one step away" either
  });

  it('takes a programme off the row when its newest record is watched (≥ 90 %)', () => {
    const older = record('stb', 'film', at(40 * MIN), 60 * MIN);
    const credits = record('phone', 'film', at(90 * MIN), MIN); // exactly 90 %: credits rolling
    expect(row({ history: [older, credits] })).toEqual([]);
    const finished = record('phone', 'film', at(100 * MIN), MIN);
    expect(row({ history: [older, finished] })).toEqual([]);
  });

  it('shows a programme again when a newer in-progress record follows a watched one (a rewatch)', () => {
    const watched = record('stb', 'film', at(95 * MIN), 60 * MIN);
    const rewatch = record('phone', 'film', at(10 * MIN), MIN);
    const [card] = row({ history: [watched, rewatch] });
    expect(card?.record).toEqual(rewatch);
    expect(card?.others).toEqual([]); // a watched point is not offered as a resume point
  });

  it('keeps the row at 89.9 % (just below the maximum)', () => {
    const [card] = row({ history: [record('stb', 'film', at(5_394_000), MIN)] });
    expect(card?.percent).toBe(89.9);
    expect(card?.remainingMs).toBe(606_000);
  });

  it('leaves out programmes shorter than the resumable minimum', () => {
    const short = program('short', { durationMs: 4 * MIN });
    const items = row({ programs: [short], history: [record('stb', 'short', at(2 * MIN), MIN)] });
    expect(items).toEqual([]);
  });

  describe('hidden programmes', () => {
    const rec = record('stb', 'film', at(40 * MIN), 10 * MIN);

    it('stay hidden while no record moved after the removal', () => {
      expect(row({ history: [rec], hidden: [{ programId: 'film', hiddenAt: NOW - 5 * MIN }] })).toEqual([]);
      // A removal at exactly the record's progress time also hides it.
      expect(row({ history: [rec], hidden: [{ programId: 'film', hiddenAt: rec.progressAt }] })).toEqual([]);
    });

    it('come back once a record moves after the removal, on any terminal', () => {
      const hidden = [{ programId: 'film', hiddenAt: NOW - 5 * MIN }];
      const later = record('pc', 'film', at(45 * MIN), 5 * MIN - 1);
      const [card] = row({ history: [rec, later], hidden });
      expect(card?.record).toEqual(later);
      expect(card?.others.map((o) => o.terminalId)).toEqual(['term-stb-0001']);
    });

    it('stay hidden when only a heartbeat touched the record (updatedAt, not progressAt)', () => {
      const touched = { ...rec, updatedAt: NOW };
      expect(row({ history: [touched], hidden: [{ programId: 'film', hiddenAt: NOW - MIN }] })).toEqual([]);
    });

    it('hide only the programme named', () => {
      const other = record('stb', 'doc', at(20 * MIN), 20 * MIN);
      const items = row({ history: [rec, other], hidden: [{ programId: 'film', hiddenAt: NOW }] });
      expect(items.map((i) => i.program.id)).toEqual(['doc']);
    });
  });

  it('leaves out programmes the calling terminal type may not play', () => {
    const history = [record('pc', 'pc-only', at(30 * MIN), MIN), record('pc', 'film', at(30 * MIN), 2 * MIN)];
    expect(row({ history, terminalType: 'mobile' }).map((i) => i.program.id)).toEqual(['film']);
    expect(row({ history, terminalType: 'pc' }).map((i) => i.program.id)).toEqual(['pc-only', 'film']);
  });

  it('orders cards newest first and honours the limit', () => {
    const history = [
      record('stb', 'film', at(30 * MIN), 30 * MIN),
      record('phone', 'series-e1', at(30 * MIN), 10 * MIN),
      record('pc', 'doc', at(30 * MIN), 20 * MIN),
    ];
    expect(row({ history }).map((i) => i.program.id)).toEqual(['series-e1', 'doc', 'film']);
    expect(row({ history, limit: 2 }).map((i) => i.program.id)).toEqual(['series-e1', 'doc']);
    expect(row({ history, limit: 0 })).toEqual([]);
  });

  it('caps the row at 30 cards by default', () => {
    const programs = Array.from({ length: 35 }, (_, i) => program(`p${i}`));
    const history = programs.map((p, i) => record('stb', p.id, at(30 * MIN), (i + 1) * MIN));
    const items = row({ programs, history });
    expect(items).toHaveLength(30);
    expect(items[0]?.program.id).toBe('p0');
    expect(items[29]?.program.id).toBe('p29');
  });

  it('computes percent and remainingMs from the catalogue runtime', () => {
    const odd = program('odd', { durationMs: 3 * 60 * MIN }); // 180 minutes
    const [card] = row({ programs: [odd], history: [record('stb', 'odd', at(60 * MIN), MIN)] });
    expect(card?.percent).toBe(33.3);
    expect(card?.remainingMs).toBe(120 * MIN);
  });

  describe('live records', () => {
    it('appear while the broadcast moment is inside the timeshift window, with percent and remaining 0', () => {
      const rec = record('stb', 'news-live', wall(NOW - 90 * MIN), MIN);
      const [card] = row({ history: [rec] });
      expect(card?.program.id).toBe('news-live');
      expect(card?.record.status).toBe('in-progress');
      expect(card?.percent).toBe(0);
      expect(card?.remainingMs).toBe(0);
    });

    it('appear at exactly the window edge and not 1 ms after', () => {
      const edge = record('stb', 'news-live', wall(NOW - 7200_000), MIN);
      expect(row({ history: [edge] })).toHaveLength(1);
      const gone = record('stb', 'news-live', wall(NOW - 7200_001), MIN);
      expect(row({ history: [gone] })).toEqual([]);
    });
  });

  describe('stored statuses are re-derived at `now`', () => {
    it('drops a record stored as in-progress whose live window has closed', () => {
      const rec = record('stb', 'news-live', wall(NOW - 3 * 3_600_000), MIN, { status: 'in-progress' });
      expect(row({ history: [rec] })).toEqual([]);
    });

    it('shows a VOD record stored as not-started when its position is in progress, with the fresh status', () => {
      const rec = record('stb', 'film', at(40 * MIN), MIN, { status: 'not-started' });
      const [card] = row({ history: [rec] });
      expect(card?.record).toEqual({ ...rec, status: 'in-progress' });
    });

    it('drops a record stored as in-progress whose position is past the maximum', () => {
      expect(row({ history: [record('stb', 'film', at(95 * MIN), MIN, { status: 'in-progress' })] })).toEqual([]);
    });

    it('follows the rules given, not those of the writer', () => {
      const rec = record('stb', 'film', at(40 * MIN), MIN);
      expect(row({ history: [rec], rules: { ...rules, maxPercent: 40 } })).toEqual([]);
      expect(row({ history: [rec], rules: { ...rules, minPercent: 41, maxPercent: 99 } })).toEqual([]);
    });
  });

  it('ignores records of programmes missing from the catalogue', () => {
    const ghost = record('stb', 'deleted-film', at(40 * MIN), 0);
    const kept = record('stb', 'film', at(40 * MIN), MIN);
    expect(row({ history: [ghost, kept] }).map((i) => i.program.id)).toEqual(['film']);
  });
});

describe('buildProgress', () => {
  const progress = (history: ViewingRecord[], programs: Program[] = [film, doc, channel, pcOnly]) =>
    buildProgress({ programs, history, terminalType: 'stb', rules, now: NOW });

  it('reports the newest counting record per programme', () => {
    const out = progress([
      record('stb', 'film', at(40 * MIN), 60 * MIN),
      record('phone', 'film', at(30_000), MIN), // accidental open: does not count
      record('pc', 'doc', at(95 * MIN), 5 * MIN),
    ]);
    expect(out).toEqual([
      { programId: 'film', status: 'in-progress', percent: 40 },
      { programId: 'doc', status: 'watched', percent: 95 },
    ]);
  });

  it('falls back to the newest record when none counts', () => {
    const out = progress([record('stb', 'film', at(MIN), 10 * MIN), record('pc', 'film', at(2 * MIN), 5 * MIN)]);
    expect(out).toEqual([{ programId: 'film', status: 'not-started', percent: 2 }]);
  });

  it('reports a closed live window as expired', () => {
    const out = progress([record('stb', 'news-live', wall(NOW - 3 * 3_600_000), MIN, { status: 'in-progress' })]);
    expect(out).toEqual([{ programId: 'news-live', status: 'expired', percent: 0 }]);
  });

  it('ignores records of programmes missing from the catalogue', () => {
    expect(progress([record('stb', 'deleted-film', at(40 * MIN), MIN)])).toEqual([]);
  });
});

describe('buildHomeRows', () => {
  it('gives exactly what buildContinueWatching and buildProgress give, from one grouping', () => {
    // Every rule at once: several terminals per programme, an accidental open, a watched and a
    // rewatched programme, a closed live window, a hidden one, one the caller may not play,
    // one missing from the catalogue, ties broken by terminal.
    const history = [
      record('stb', 'film', at(40 * MIN), 60 * MIN),
      record('phone', 'film', at(30_000), MIN),
      record('pc', 'film', at(20 * MIN), 30 * MIN),
      record('pc', 'doc', at(95 * MIN), 5 * MIN),
      record('stb', 'doc', at(10 * MIN), 50 * MIN),
      record('phone', 'series-e1', at(95 * MIN), 90 * MIN),
      record('stb', 'series-e1', at(12 * MIN), 10 * MIN),
      record('stb', 'news-live', wall(NOW - 3 * 3_600_000), MIN, { status: 'in-progress' }),
      record('phone', 'news-live', wall(NOW - 20 * MIN), 2 * MIN, { status: 'expired' }),
      record('pc', 'pc-only', at(30 * MIN), 3 * MIN),
      record('stb', 'deleted-film', at(40 * MIN), MIN),
      record('phone', 'doc', at(10 * MIN), 50 * MIN),
    ];
    const hidden = [{ programId: 'film', hiddenAt: NOW - 45 * MIN }, { programId: 'doc', hiddenAt: NOW }];
    for (const terminalType of ['stb', 'mobile', 'pc'] as const) {
      for (const limit of [undefined, 2]) {
        const input = { programs: [film, series, doc, channel, pcOnly], history, hidden, terminalType, rules, now: NOW, ...(limit ? { limit } : {}) };
        const both = buildHomeRows(input);
        expect(both.continueWatching, `${terminalType} ${limit}`).toEqual(buildContinueWatching(input));
        expect(both.progress, `${terminalType} ${limit}`).toEqual(buildProgress(input));
        expect(both.continueWatching.length, terminalType).toBeGreaterThan(0);
      }
    }
    // Statuses are re-derived on copies: the caller's records are left as they were.
    expect(history[7]?.status).toBe('in-progress');
  });
});

describe('buildHomeRows over a frozen catalogue', () => {
  it('indexes a frozen list once per terminal type, and still follows a new list', () => {
    const history = [record('stb', 'film', at(40 * MIN), 60 * MIN), record('pc', 'pc-only', at(30 * MIN), 3 * MIN)];
    const base = { history, hidden: [], rules, now: NOW };
    const list = Object.freeze([film, pcOnly]);
    const first = buildHomeRows({ ...base, programs: list, terminalType: 'stb' });
    expect(first.continueWatching.map((c) => c.program.id)).toEqual(['film']);
    // Per type: the same frozen list gives a PC its own playable set.
    expect(buildHomeRows({ ...base, programs: list, terminalType: 'pc' }).continueWatching.map((c) => c.program.id)).toEqual(['pc-only', 'film']);
    expect(buildHomeRows({ ...base, programs: list, terminalType: 'stb' })).toEqual(first);
    // A changed catalogue is a new list: its programmes, not the old index's.
    const next = Object.freeze([program('film', { terminalTypes: ['pc'] }), pcOnly]);
    expect(buildHomeRows({ ...base, programs: next, terminalType: 'stb' }).continueWatching).toEqual([]);
    expect(buildHomeRows({ ...base, programs: next, terminalType: 'stb' }).progress.map((p) => p.programId).sort()).toEqual(['film', 'pc-only']);
  });
});
