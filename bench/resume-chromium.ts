/**
 * Benchmark 4 — Resume in Chromium: terminal B presses Resume on the Continue-watching card of
 * a point that terminal A left; measured is the time from that press to B's first presented
 * video frame, and |position of that frame − breakpoint|, over 20 resumes (3 with --quick).
 *
 * Set-up, on loopback only: a real server-mock child process (`spawnServer`, as the e2e suite:
 * fresh data dir, free port, 2 s heartbeats) serving the built web terminal and the sample
 * media; headless Chromium (Debian's /usr/bin/chromium, or RA_CHROMIUM, or Playwright's own);
 * one account made through the API; two browser contexts, "PC A" and "PC B", each signed in
 * and named through the UI like e2e/fixtures.ts does. Programme: `harbour-lights` (10 min VOD,
 * DASH, 4 s segments, 15 fps).
 *
 * One run:
 * 1. A sets the breakpoint through its UI: plays from the catalogue tile, seeks with the seek
 *    bar to T, plays on until it is ≥ 0.8 s past T, and leaves with Esc (its stop report).
 *    B's card must then show A's point: terminal "PC A" and exactly A's stop position (global
 *    writes a stop's exact point, common/resume.ts), so B never resumes a heartbeat's point
 *    that the stop is about to replace.
 * 2. B, on home with the card visible: one `page.evaluate` reads the card's `data-offset-ms`
 *    (the breakpoint as recorded by the server and pushed to B — the reference of the error),
 *    arms the probe, takes `performance.now()` and clicks the card's Resume button itself, so
 *    the timestamp and the click are in the page's clock with nothing in between.
 * 3. The probe (a MutationObserver catching the player's new <video>) registers a
 *    `requestVideoFrameCallback`: **first frame = the first video frame presented for
 *    composition** once the player is past "starting" (until then the element is hidden: the
 *    engine may present 0:00 before it seeks to the start), its time `metadata.presentationTime`, its position `metadata.mediaTime`
 *    (the exact media time of the frame shown: the one covering the breakpoint, so the error
 *    includes up to one frame, 1/15 s, of quantisation). The first `playing` event (time,
 *    currentTime) is recorded too, and is the fallback where a browser has no
 *    requestVideoFrameCallback (each run records which one it used). A resume counts once
 *    both the first frame and `playing` happened.
 * 4. B leaves with Esc back to home. Leaving records B's own stop near T, so the breakpoint is
 *    re-set by A before every run (step 1): each resume is of a point another terminal left,
 *    as in the story, and is compared against the point B's card showed when Resume
 *    was pressed (cross-checked with the breakpoint in B's play request).
 *
 * Breakpoints: T runs from ~513 s down to ~50 s across the runs (inside the 5 %–90 % resume
 * window); A seeks 0.6–1.9 s into a 4 s segment and plays on 0.8 s or more, so the recorded
 * point normally lies 1.4–3.5 s into its segment (off the boundaries) and anywhere inside a
 * frame (so the error's frame quantisation varies); descending order: a resume fetches forwards from its point, so no earlier run of B has the segment of a
 * later point in its HTTP cache (each run's first segment is checked: `segmentCached`).
 * Warm or cold: run 1 is B's first playback in its page (Shaka's first player, the media
 * pipeline's first use); runs 2… are warm pages (same page: JS warm, Shaka's code paths run
 * before; media segments new). Both are reported; the targets are judged over all runs.
 *
 * Bounded: each resume times out after 20 s (recorded as a failure, which counts as slower
 * than any time in the percentiles) and must be back on home 10 s later; each set-up step
 * times out after 15 s and a run's whole set-up after 30 s; two failed runs in a row end the
 * benchmark (the rest are "not run"), and no new run starts more than 150 s (30 s with --quick)
 * after the first, so it ends inside the runner's limits (240 s / 90 s). Cleanup in `finally`: browser, server
 * (SIGTERM, SIGKILL after 5 s), data dir; should the runner give up first, the server is killed
 * when the process exits.
 *
 * Web terminal: renderer/dist (built with `vite build` when its index.html is missing), or the
 * directory in `RA_BENCH_WEB_DIR` (e.g. `npx vite build --config renderer/vite.config.ts
 * --outDir /tmp/ra-bench-web --emptyOutDir`, then `RA_BENCH_WEB_DIR=/tmp/ra-bench-web npm run
 * bench -- resume-chromium`) — a copy nobody rebuilds while the benchmark runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../server-mock/testing/process.ts';
import { ms } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/browser.ts';
import { MAX_FAILURES_IN_A_ROW, PROGRAM_ID, report, RESUME_TIMEOUT_MS, SETUP_TIMEOUT_MS, type Probe, type Run } from './lib/resume-report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEGMENT_S = 4;
const LOGIN = 'bench-resume@example.com';
const PASSWORD = 'correct-horse-1';
/** Getting back to home after a resume may take this long. */
const BACK_TIMEOUT_MS = 10_000;
/** One set-up step (sign-in, A's play/seek/stop, B's card update) may take this long… */
const STEP_TIMEOUT_MS = 15_000;
/** No new run starts this long after the first (the runner stops a benchmark at 240 s / 90 s). */
const DEADLINE_MS = { full: 150_000, quick: 30_000 };

/** Where A seeks to inside a 4 s segment (s; the seek bar moves in 0.1 s steps). */
const IN_SEGMENT_S = [0.6, 1.0, 1.3, 1.6, 1.9];
/**
 * How far A plays on past its seek before it stops (s): more than the server's "unmoved"
 * tolerance, so the stop (or a heartbeat after the seek) is the recorded point — a position
 * anywhere inside a frame — not the seek's 0.1 s-grid point.
 */
const PLAY_ON_S = 0.8;

/** Where A seeks to in `n` runs: descending over the programme, inside segments. */
export function breakpoints(n: number): number[] {
  const hi = 515;
  const lo = 50;
  return Array.from({ length: n }, (_, i) => {
    const at = n === 1 ? (hi + lo) / 2 : hi - ((hi - lo) * i) / (n - 1);
    return Math.round((Math.floor(at / SEGMENT_S) * SEGMENT_S + (IN_SEGMENT_S[i % IN_SEGMENT_S.length] as number)) * 1000) / 1000;
  });
}

/** The web terminal to serve: RA_BENCH_WEB_DIR, or renderer/dist (built when missing). */
export async function webDir(ctx: BenchContext): Promise<string> {
  const fromEnv = process.env.RA_BENCH_WEB_DIR;
  if (fromEnv) {
    const dir = resolve(fromEnv);
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(`RA_BENCH_WEB_DIR=${fromEnv} has no index.html: build it with npx vite build --config renderer/vite.config.ts --outDir ${dir} --emptyOutDir`);
    }
    return dir;
  }
  const dir = join(ROOT, 'renderer', 'dist');
  if (!existsSync(join(dir, 'index.html'))) {
    ctx.log('renderer/dist/index.html is missing: building the web terminal (vite build)');
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, timeout: 180_000, maxBuffer: 16 * 2 ** 20 });
    if (!existsSync(join(dir, 'index.html'))) throw new Error('vite build did not produce renderer/dist/index.html');
  }
  return dir;
}

export async function createAccount(url: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: LOGIN, password: PASSWORD }),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  if (res.status !== 201) throw new Error(`account: ${res.status} ${await res.text()}`);
}

/** A new terminal (browser context): sign in and name it through the UI; waits for home. */
export async function openTerminal(browser: Browser, url: string, name: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`[${name}] ${err.message}`));
  await page.goto(`${url}/`);
  await page.locator('input[name=username]').fill(LOGIN);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('input[name=terminal-type][value=pc]:checked').waitFor();
  await page.locator('form input:not([type=radio])').fill(name);
  await page.locator('form button[type=submit]').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=device-chip]')?.textContent === n, name);
  await page.locator('.live-dot:not(.off)').waitFor();
  return page;
}

/** The <video>'s state, for waiting. */
function videoState(page: Page): Promise<{ t: number; paused: boolean; seeking: boolean; readyState: number } | null> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid=player] video');
    return v ? { t: v.currentTime, paused: v.paused, seeking: v.seeking, readyState: v.readyState } : null;
  });
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] as string;
}

/** `p`, or a rejection after `timeoutMs`. */
export async function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined); // a late rejection after the timeout is not unhandled
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `check` until it is true or `timeoutMs` passed (then throw `what`). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A leaves a point just after `targetS`: tile → play → seek bar → play on a little → Esc. Returns A's stop offset (ms). */
async function leavePoint(a: Page, targetS: number): Promise<number> {
  await a.locator(`[data-testid=tile][data-program-id="${PROGRAM_ID}"] button`).click();
  await a.locator('[data-testid=player][data-status=ready]').waitFor();
  await until('A plays', async () => {
    const s = await videoState(a);
    return s !== null && !s.paused && s.readyState >= 3;
  });
  await a.mouse.move(640, 400); // show the controls
  const bar = a.locator('input.seekbar');
  await bar.fill(String(targetS));
  await bar.blur(); // the seek bar seeks once released
  await until(`A plays past ${targetS} s`, async () => {
    const s = await videoState(a);
    return s !== null && !s.seeking && !s.paused && s.t >= targetS + PLAY_ON_S && s.t < targetS + 10;
  });
  const stop = a.waitForRequest((r) => /\/stream\/v1\/sessions\/[^/]+\/stop$/.test(r.url()) && r.method() === 'POST');
  await a.keyboard.press('Escape');
  const body = (await stop).postDataJSON() as { position: { kind: string; offsetMs?: number } };
  if (body.position.kind !== 'offset' || typeof body.position.offsetMs !== 'number') throw new Error(`A's stop: ${JSON.stringify(body)}`);
  await a.locator('[data-testid=player]').waitFor({ state: 'detached' });
  return body.position.offsetMs;
}

/** Wait until B's card shows A's point: exactly A's stop. */
async function cardShows(b: Page, terminalName: string, stopMs: number): Promise<void> {
  await b.waitForFunction(
    ({ programId, terminalName, lo, hi }) => {
      const el = document.querySelector<HTMLElement>(`[data-testid=cw-card][data-program-id="${programId}"]`);
      const offset = Number(el?.dataset.offsetMs);
      return el?.dataset.terminalName === terminalName && offset >= lo && offset <= hi;
    },
    { programId: PROGRAM_ID, terminalName, lo: stopMs, hi: stopMs },
    { timeout: STEP_TIMEOUT_MS, polling: 50 },
  );
}

/** Arm the probe, read the card's breakpoint, take the time and press Resume — all in one task of B's page. */
function pressResume(b: Page): Promise<{ offsetMs: number; terminalName: string } | { error: string }> {
  return b.evaluate((programId) => {
    const card = document.querySelector<HTMLElement>(`[data-testid=cw-card][data-program-id="${programId}"]`);
    const button = card?.querySelector<HTMLButtonElement>('.cw-actions button.btn-primary');
    if (!card || !button) return { error: 'no Resume button on the card' };
    const probe: Probe = { clickAt: 0, videoAt: null, frame: null, playing: null, hasRvfc: null };
    (window as unknown as { __raResume: Probe }).__raResume = probe;
    const watch = (v: HTMLVideoElement) => {
      probe.videoAt = performance.now();
      probe.hasRvfc = typeof v.requestVideoFrameCallback === 'function';
      if (probe.hasRvfc) {
        // Frames presented while the player is still starting are not seen (the element is hidden
        // until the viewing is ready, styles.css): the first frame is the first one after that.
        const onFrame: VideoFrameRequestCallback = (now, m) => {
          if (v.closest('[data-testid=player]')?.getAttribute('data-status') === 'starting') {
            v.requestVideoFrameCallback(onFrame);
            return;
          }
          probe.frame = { callbackAt: now, presentationTime: m.presentationTime, expectedDisplayTime: m.expectedDisplayTime, mediaTime: m.mediaTime, presentedFrames: m.presentedFrames };
        };
        v.requestVideoFrameCallback(onFrame);
      }
      v.addEventListener('playing', () => {
        probe.playing ??= { at: performance.now(), currentTime: v.currentTime };
      });
    };
    const observer = new MutationObserver(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=player] video');
      if (!v) return;
      observer.disconnect();
      watch(v);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    performance.clearResourceTimings();
    const offsetMs = Number(card.dataset.offsetMs);
    const terminalName = card.dataset.terminalName ?? '';
    probe.clickAt = performance.now();
    button.click();
    return { offsetMs, terminalName };
  }, PROGRAM_ID);
}

/** Press → response end of the play request, the manifest and the first video segment, from Resource Timing. */
function networkTimes(b: Page, clickAt: number): Promise<NonNullable<Run['network']>> {
  return b.evaluate((clickAt) => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const find = (re: RegExp) => entries.find((e) => re.test(e.name) && e.startTime >= clickAt);
    const since = (e: PerformanceResourceTiming | undefined) => (e ? e.responseEnd - clickAt : null);
    const seg = find(/\/chunk-0-\d+\.m4s/);
    return {
      playMs: since(find(/\/stream\/v1\/play$/)),
      manifestMs: since(find(/\.mpd(\?|$)/)),
      segmentMs: since(seg),
      segment: seg ? (seg.name.split('/').pop() ?? null) : null,
      segmentCached: seg ? seg.transferSize === 0 && seg.decodedBodySize > 0 : null,
    };
  }, clickAt);
}

/** One resume at B of the point on its card; B is back on home afterwards. */
async function resumeOnce(b: Page, run: Run): Promise<void> {
  const playRequest = b.waitForRequest((r) => /\/stream\/v1\/play$/.test(r.url()) && r.method() === 'POST', { timeout: RESUME_TIMEOUT_MS });
  playRequest.catch(() => undefined); // awaited below
  const pressed = await pressResume(b);
  if ('error' in pressed) throw new Error(pressed.error);
  run.breakpointMs = pressed.offsetMs;
  try {
    const outcome = await b.waitForFunction(
      () => {
        const p = (window as unknown as { __raResume: Probe }).__raResume;
        if (document.querySelector('[data-testid=player][data-status=error]')) return 'player error';
        return p.playing && (p.frame || p.hasRvfc === false) ? 'ok' : false;
      },
      undefined,
      { timeout: RESUME_TIMEOUT_MS, polling: 50 },
    );
    const result = await outcome.jsonValue();
    if (result !== 'ok') throw new Error(String(result));
  } catch (err) {
    run.ok = false;
    run.failure = /Timeout .* exceeded/.test(firstLine(err)) ? `no first frame and \`playing\` within ${RESUME_TIMEOUT_MS} ms` : firstLine(err);
  }
  const probe = await b.evaluate(() => (window as unknown as { __raResume: Probe }).__raResume);
  const body = (await playRequest.catch(() => null))?.postDataJSON() as { breakpoint?: { offsetMs?: number } } | undefined;
  run.playRequestMs = body?.breakpoint?.offsetMs ?? null;
  run.network = await networkTimes(b, probe.clickAt);
  if (probe.playing) {
    run.playingMs = probe.playing.at - probe.clickAt;
    run.playingPositionS = probe.playing.currentTime;
  }
  if (run.ok) {
    const bp = pressed.offsetMs / 1000;
    if (probe.frame) {
      run.firstFrameBy = 'requestVideoFrameCallback';
      run.ttffMs = probe.frame.presentationTime - probe.clickAt;
      run.displayMs = probe.frame.expectedDisplayTime - probe.clickAt;
      run.callbackMs = probe.frame.callbackAt - probe.clickAt;
      run.positionS = probe.frame.mediaTime;
    } else {
      run.firstFrameBy = 'playing';
      run.ttffMs = run.playingMs;
      run.positionS = run.playingPositionS;
    }
    run.errorS = Math.abs((run.positionS as number) - bp);
  }
  // Back to home (Esc, as a person leaves the player).
  await withTimeout(
    (async () => {
      await b.keyboard.press('Escape');
      await b.locator('[data-testid=player]').waitFor({ state: 'detached' });
      await b.locator(`[data-testid=cw-card][data-program-id="${PROGRAM_ID}"]`).waitFor();
    })(),
    BACK_TIMEOUT_MS,
    'B back on home',
  );
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const n = ctx.quick ? 3 : 20;
  const targets = breakpoints(n);
  const web = await webDir(ctx);
  const dataDir = join(ctx.workDir, 'resume-chromium-data');
  mkdirSync(dataDir, { recursive: true });
  const pageErrors: string[] = [];
  const runs: Run[] = [];
  let server: ServerProcess | null = null;
  let browser: Browser | null = null;
  const executablePath = CHROMIUM_EXECUTABLE;
  let browserVersion: string | undefined;
  // Should the runner give up on this benchmark and exit first, the server goes with it.
  const killServer = () => server?.child.kill('SIGKILL');
  process.once('exit', killServer);
  try {
    server = await spawnServer(['--port', '0', '--data', dataDir, '--log-level', 'warn', '--heartbeat-interval-sec', '2', '--web-dir', web, '--open-registration', 'true']);
    if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(server.url)) throw new Error(`server is not on loopback: ${server.url}`);
    await createAccount(server.url);
    browser = await chromium.launch({ headless: true, args: [...CHROMIUM_ARGS], ...(executablePath ? { executablePath } : {}) });
    browserVersion = browser.version();
    ctx.log(`Chromium ${browserVersion}; server ${server.url}; web terminal ${web}`);
    const a = await openTerminal(browser, server.url, 'PC A', pageErrors);
    const b = await openTerminal(browser, server.url, 'PC B', pageErrors);

    let inARow = 0;
    const deadline = performance.now() + (ctx.quick ? DEADLINE_MS.quick : DEADLINE_MS.full);
    for (let i = 0; i < n; i++) {
      const r: Run = { run: i + 1, targetS: targets[i] as number, aStopMs: null, breakpointMs: null, playRequestMs: null, ok: true };
      if (performance.now() > deadline || inARow >= MAX_FAILURES_IN_A_ROW) {
        runs.push({ ...r, ok: false, failure: inARow >= MAX_FAILURES_IN_A_ROW ? `not run: ${inARow} failed runs in a row` : 'not run: time budget spent' });
        continue;
      }
      try {
        await withTimeout(
          (async () => {
            r.aStopMs = await leavePoint(a, r.targetS);
            await cardShows(b, 'PC A', r.aStopMs);
          })(),
          SETUP_TIMEOUT_MS,
          'set-up',
        );
      } catch (err) {
        runs.push({ ...r, ok: false, failure: `set-up: ${firstLine(err)}` });
        inARow++;
        ctx.log(`resume ${r.run}/${n}: set-up failed (${firstLine(err)})`);
        continue;
      }
      try {
        await resumeOnce(b, r);
      } catch (err) {
        r.ok = false;
        r.failure ??= firstLine(err);
      }
      runs.push(r);
      inARow = r.ok ? 0 : inARow + 1;
      ctx.log(
        r.ok
          ? `resume ${r.run}/${n} at ${(r.breakpointMs ?? 0) / 1000} s: first frame ${ms(r.ttffMs as number)} ms, error ${(r.errorS as number).toFixed(3)} s`
          : `resume ${r.run}/${n}: failed (${r.failure})`,
      );
      // A failed resume may have left B off home; the next run's set-up finds out.
    }
  } finally {
    // Terminals first: a server does not finish a graceful shutdown while push streams are open.
    await browser?.close().catch(() => undefined);
    if (server) {
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 5_000))]);
      await server.kill();
    }
    process.off('exit', killServer);
    rmSync(dataDir, { recursive: true, force: true });
  }

  return report(runs, n, { browserVersion: browserVersion ?? 'unknown', executablePath: executablePath ?? "Playwright's Chromium", web, pageErrors });
}

const bench: Benchmark = { name: 'resume-chromium', number: 4, title: 'Resume in Chromium', run };
export default bench;
