/**
 * The SQLite store's performance machinery (see bench/ and docs/BENCHMARKS.md) keeps the store's
 * promises: group commit (concurrent report batches in one transaction, each all-or-none, none
 * acknowledged before the commit), the background checkpointer, and the shared catalogue
 * (frozen, and refreshed when another connection changes it).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { programFixture, reportInput, terminalFixture, userFixture } from './conformance.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'ra-sqlite-perf-'));
let n = 0;
const freshFile = () => join(dir, `store-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alice = userFixture('user-alice');
const stb = terminalFixture('term-alice-stb', alice.id, 'stb');
const phone = terminalFixture('term-alice-phone', alice.id, 'mobile');

async function seeded(file: string): Promise<Store> {
  const store = await openSqliteStore({ file });
  await store.createUser(alice);
  await store.createTerminal(stb);
  await store.createTerminal(phone);
  await store.upsertPrograms([programFixture('sintel', 'Sintel'), programFixture('bbb', 'Big Buck Bunny')]);
  return store;
}

/** Rows with these report ids, read by another connection (so only committed data counts). */
function committedReports(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM history_reports WHERE report_id LIKE 'rep-g-%'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('group commit', () => {
  it('applies concurrent batches as sequential calls would, each settling only once committed', async () => {
    const file = freshFile();
    const store = await seeded(file);
    const seen: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) =>
      store
        .applyReports([reportInput({ reportId: `rep-g-${i}`, terminal: i % 2 ? stb : phone, seq: i + 1, offsetMs: (i + 1) * 60_000 })])
        .then((r) => {
          seen.push(committedReports(file));
          return r;
        }),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r[0]?.outcome)).toEqual(Array(20).fill('applied'));
    // Every promise settled after the commit that holds its report.
    expect(Math.min(...seen)).toBe(20);
    expect((await store.listHistory(alice.id)).map((r) => [r.terminalId, r.seq]).sort()).toEqual([
      [phone.id, 19],
      [stb.id, 20],
    ]);
    await store.close();
  });

  it('keeps each batch all-or-none: a faulty batch changes nothing, the others commit', async () => {
    const file = freshFile();
    const store = await seeded(file);
    const good1 = store.applyReports([reportInput({ reportId: 'rep-g-1', terminal: stb, seq: 1 })]);
    const bad = store.applyReports([
      reportInput({ reportId: 'rep-g-2', terminal: phone, seq: 1 }),
      reportInput({ reportId: 'rep-g-3', terminal: stb, seq: 2, decide: () => { throw new Error('fault'); } }),
    ]);
    const good2 = store.applyReport(reportInput({ reportId: 'rep-g-4', terminal: stb, programId: 'bbb', seq: 3 }));
    await expect(bad).rejects.toThrow('fault');
    expect((await good1)[0]?.outcome).toBe('applied');
    expect((await good2).outcome).toBe('applied');
    expect(committedReports(file)).toBe(2);
    expect((await store.listHistory(alice.id)).map((r) => `${r.terminalId}/${r.programId}`).sort()).toEqual([
      `${stb.id}/bbb`,
      `${stb.id}/sintel`,
    ]);
    // The faulty batch's ids were not remembered: resent, it applies.
    const again = await store.applyReports([reportInput({ reportId: 'rep-g-2', terminal: phone, seq: 1 })]);
    expect(again[0]?.outcome).toBe('applied');
    await store.close();
  });

  it('commits what is waiting when the store is closed', async () => {
    const file = freshFile();
    const store = await seeded(file);
    const pending = store.applyReports([reportInput({ reportId: 'rep-g-close', terminal: stb, seq: 1 })]);
    await store.close();
    expect((await pending)[0]?.outcome).toBe('applied');
    expect(committedReports(file)).toBe(1);
  });
});

describe('background checkpoints', () => {
  it('copies the WAL into the database file without waiting for SQLite’s inline threshold', async () => {
    const file = freshFile();
    const store = await seeded(file);
    const before = statSync(file).size;
    for (let i = 0; i < 50; i++) {
      await store.applyReports(
        Array.from({ length: 20 }, (_, j) => reportInput({ reportId: `rep-cp-${i}-${j}`, terminal: j % 2 ? stb : phone, seq: i * 20 + j + 1 })),
      );
    }
    // Far below the inline backstop (10,000 pages): only the checkpointer thread grows the file.
    const deadline = Date.now() + 5_000;
    while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before);
    await store.close();
  });
});

describe('shared catalogue', () => {
  it('hands out frozen programmes, the same array until the catalogue changes', async () => {
    const store = await seeded(freshFile());
    const a = await store.listPrograms('stb');
    expect(await store.listPrograms('stb')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a[0]?.links[0])).toBe(true);
    expect(await store.getProgram('sintel')).toBe(a.find((p) => p.id === 'sintel'));
    await store.upsertPrograms([programFixture('sintel', 'Sintel (restored)')]);
    expect((await store.getProgram('sintel'))?.title).toBe('Sintel (restored)');
    expect(await store.listPrograms('stb')).not.toBe(a);
    await store.close();
  });

  it('sees a catalogue change made by another connection (another process)', async () => {
    const file = freshFile();
    const store = await seeded(file);
    expect((await store.listPrograms()).map((p) => p.id)).toEqual(['bbb', 'sintel']);
    const other = await openSqliteStore({ file });
    await other.upsertPrograms([programFixture('ace', 'Ace')]);
    await other.deleteProgram('bbb');
    await other.close();
    expect((await store.listPrograms()).map((p) => p.id)).toEqual(['ace', 'sintel']);
    expect(await store.getProgram('bbb')).toBeNull();
    await store.close();
  });
});
