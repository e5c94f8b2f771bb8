/**
 * Benchmark 8 — Takeover in Chromium ("Continue here", issue 15): terminal Q presses "Continue
 * here" on the now-playing card of what terminal P is playing; measured is the time from that
 * press to Q's first presented video frame, and the position error: the frame's media time
 * against where P was at the press plus the time since, over 20 handoffs (3 with --quick).
 * Baseline, in the same run and pages: the patent's resume — Q presses Resume on its
 * Continue-watching card of a point P left — press → first frame (every 4th handoff).
 *
 * Set-up as benchmark 4 (bench/resume-chromium.ts): a server-mock child process on loopback
 * (2 s heartbeats) serving the built web terminal, headless Chromium, one account, two
 * desktop contexts "PC A" and "PC B" signed in through the UI; programme `harbour-lights`.
 *
 * One handoff: P plays; Q is on home and its card of P's session is past "starting" (P's first
 * heartbeat arrived: before it, global cannot advance P's point). P's position is sampled
 * (currentTime with the machine clock), then in one task of Q's page the probe is armed, the
 * time taken and the button clicked. First frame = requestVideoFrameCallback's presentationTime
 * and mediaTime (as benchmark 4). Error = mediaTime − (P's position at the press + first-frame
 * time − press time); P's position at the press is its sample carried forward by the clock.
 * Then the roles swap (a take-back, the ping-pong the issue asks to be safe).
 */
import { join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../server-mock/testing/process.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/browser.ts';
import { PROGRAM_ID } from './lib/resume-report.ts';
import { ms, summarize } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { createAccount, firstLine, openTerminal, until, webDir, withTimeout } from './resume-chromium.ts';

/** One press (handoff or baseline resume) may take this long to its first frame. */
const PRESS_TIMEOUT_MS = 20_000;
/** No new run starts this long after the first. */
const DEADLINE_MS = { full: 170_000, quick: 40_000 };

interface Sample {
  kind: 'takeover' | 'resume';
  ok: boolean;
  failure?: string;
  ttffMs?: number;
  errorS?: number;
}

/** In `page`: arm the first-frame probe, note the time, click `selector`; returns the press time (epoch ms). */
function press(page: Page, selector: string): Promise<number | null> {
  return page.evaluate((sel) => {
    const button = document.querySelector<HTMLElement>(sel);
    if (!button) return null;
    const probe: { frame: { at: number; t: number } | null } = { frame: null };
    (window as unknown as { __raTakeover: typeof probe }).__raTakeover = probe;
    const observer = new MutationObserver(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=player] video');
      if (!v) return;
      observer.disconnect();
      v.requestVideoFrameCallback((_now, m) => {
        probe.frame = { at: performance.timeOrigin + m.presentationTime, t: m.mediaTime };
      });
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const at = Date.now();
    button.click();
    return at;
  }, selector);
}

/** The first frame after `press` (epoch ms, media s). */
async function firstFrame(page: Page): Promise<{ at: number; t: number }> {
  const h = await page.waitForFunction(() => (window as unknown as { __raTakeover: { frame: { at: number; t: number } | null } }).__raTakeover.frame, undefined, {
    timeout: PRESS_TIMEOUT_MS,
    polling: 50,
  });
  return (await h.jsonValue()) as { at: number; t: number };
}

const sampleVideo = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid=player] video');
    return v && !v.paused ? { t: v.currentTime, at: Date.now() } : null;
  });

/** Q goes home and waits for P's card, past "starting". */
async function cardReady(q: Page): Promise<void> {
  await q.evaluate(() => {
    window.location.hash = '#/';
  });
  await q.locator(`[data-testid=now-playing-card][data-program-id="${PROGRAM_ID}"][data-starting=false] [data-testid=continue-here]`).waitFor({ timeout: 15_000 });
}

/** One handoff P → Q. */
async function takeover(p: Page, q: Page): Promise<Sample> {
  await cardReady(q);
  const before = await sampleVideo(p);
  if (!before) throw new Error('P is not playing');
  const pressedAt = await press(q, `[data-testid=now-playing-card][data-program-id="${PROGRAM_ID}"] [data-testid=continue-here]`);
  if (pressedAt === null) throw new Error('no Continue here button');
  const frame = await firstFrame(q);
  const pAtPress = before.t + (pressedAt - before.at) / 1000;
  return { kind: 'takeover', ok: true, ttffMs: frame.at - pressedAt, errorS: frame.t - (pAtPress + (frame.at - pressedAt) / 1000) };
}

/** The baseline: Q (playing) stops, then presses Resume on its card; Q plays again afterwards. */
async function resume(q: Page): Promise<Sample> {
  const stop = q.waitForRequest((r) => /\/stream\/v1\/sessions\/[^/]+\/stop$/.test(r.url()));
  await q.keyboard.press('Escape');
  await stop;
  await q.locator(`[data-testid=cw-card][data-program-id="${PROGRAM_ID}"] .cw-actions button.btn-primary`).waitFor({ timeout: 15_000 });
  const card = q.locator(`[data-testid=cw-card][data-program-id="${PROGRAM_ID}"]`);
  const bp = Number(await card.getAttribute('data-offset-ms')) / 1000;
  const pressedAt = await press(q, `[data-testid=cw-card][data-program-id="${PROGRAM_ID}"] .cw-actions button.btn-primary`);
  if (pressedAt === null) throw new Error('no Resume button');
  const frame = await firstFrame(q);
  return { kind: 'resume', ok: true, ttffMs: frame.at - pressedAt, errorS: frame.t - bp };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const n = ctx.quick ? 3 : 20;
  const web = await webDir(ctx);
  const dataDir = join(ctx.workDir, 'takeover-data');
  mkdirSync(dataDir, { recursive: true });
  const samples: Sample[] = [];
  const pageErrors: string[] = [];
  let server: ServerProcess | null = null;
  let browser: Browser | null = null;
  const killServer = () => server?.child.kill('SIGKILL');
  process.once('exit', killServer);
  try {
    server = await spawnServer(['--port', '0', '--data', dataDir, '--log-level', 'warn', '--heartbeat-interval-sec', '2', '--web-dir', web, '--open-registration', 'true']);
    await createAccount(server.url);
    browser = await chromium.launch({ headless: true, args: [...CHROMIUM_ARGS], ...(CHROMIUM_EXECUTABLE ? { executablePath: CHROMIUM_EXECUTABLE } : {}) });
    ctx.log(`Chromium ${browser.version()}; server ${server.url}`);
    let p = await openTerminal(browser, server.url, 'PC A', pageErrors);
    let q = await openTerminal(browser, server.url, 'PC B', pageErrors);
    await p.locator(`[data-testid=tile][data-program-id="${PROGRAM_ID}"] button`).click();
    await until('A plays', async () => (await sampleVideo(p)) !== null);
    const deadline = performance.now() + (ctx.quick ? DEADLINE_MS.quick : DEADLINE_MS.full);
    for (let i = 0; i < n; i++) {
      if (performance.now() > deadline) {
        samples.push({ kind: 'takeover', ok: false, failure: 'not run: time budget spent' });
        continue;
      }
      try {
        samples.push(await withTimeout(takeover(p, q), 40_000, 'handoff'));
        [p, q] = [q, p];
        ctx.log(`handoff ${i + 1}/${n}: first frame ${ms(samples.at(-1)?.ttffMs as number)} ms, error ${(samples.at(-1)?.errorS as number).toFixed(3)} s`);
        // The baseline in the same pages: the terminal now playing stops and resumes its point.
        if (i % 4 === 3) samples.push(await withTimeout(resume(p), 40_000, 'resume'));
      } catch (err) {
        samples.push({ kind: 'takeover', ok: false, failure: firstLine(err) });
        ctx.log(`handoff ${i + 1}/${n}: failed (${firstLine(err)})`);
        if (samples.filter((s) => !s.ok).length >= 2) break;
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) {
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 5_000))]);
      await server.kill();
    }
    process.off('exit', killServer);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report(samples, n, pageErrors);
}

function report(samples: Sample[], n: number, pageErrors: string[]): BenchOutput {
  const of = (kind: Sample['kind']) => samples.filter((s) => s.kind === kind);
  const row = (label: string, rs: Sample[]) => {
    const t = summarize(rs.map((s) => (s.ok ? (s.ttffMs as number) : Infinity)));
    const e = rs.filter((s) => s.ok).map((s) => Math.abs(s.errorS as number));
    const f = (v: number) => (v === Infinity ? 'failed' : ms(v));
    return { cells: [label, rs.length, rs.filter((s) => !s.ok).length, f(t.p50), f(t.p99), e.length ? (e.reduce((x, y) => x + y, 0) / e.length).toFixed(3) : '–', e.length ? Math.max(...e).toFixed(3) : '–'], t, e };
  };
  const take = row('takeover: Continue here → first frame', of('takeover'));
  const base = row('baseline: Resume on the card → first frame', of('resume'));
  const maxErr = take.e.length ? Math.max(...take.e) : Number.NaN;
  const failed = of('takeover').filter((s) => !s.ok).length;
  return {
    tables: [
      {
        title: `Takeover in Chromium — ${n} handoffs between two PCs (harbour-lights, DASH), ping-pong; the resume baseline every 4th handoff`,
        columns: ['press', 'n', 'failed', 'first frame p50 ms', 'p99 ms', 'mean |error| s', 'max |error| s'],
        rows: [take.cells, base.cells],
      },
    ],
    targets: [
      { target: 'takeover position error ≤ 0.5 s (|first frame − (P at press + elapsed)|)', measured: `max ${Number.isFinite(maxErr) ? maxErr.toFixed(3) : '–'} s over ${take.e.length} handoffs`, met: failed === 0 && take.e.length > 0 ? maxErr <= 0.5 : null },
      { target: 'takeover first frame p50 within 1.5× the resume baseline', measured: `${ms(take.t.p50)} ms vs ${ms(base.t.p50)} ms`, met: failed === 0 && Number.isFinite(base.t.p50) ? take.t.p50 <= 1.5 * base.t.p50 : null },
    ],
    notes: [
      'Error: the frame’s media time against P’s position at the press carried forward by the machine clock (all contexts share it); negative = Q started behind P.',
      'Q catches up before its first frame (renderer/src/player/catch-up.ts): it waits for the start to be buffered, then seeks to where P is now.',
      ...(pageErrors.length ? [`page errors: ${pageErrors.slice(0, 3).join(' | ')}`] : []),
    ],
    data: { samples },
  };
}

const bench: Benchmark = { name: 'takeover', number: 8, title: 'Takeover in Chromium: Continue here → first frame, next to resume', run };
export default bench;
