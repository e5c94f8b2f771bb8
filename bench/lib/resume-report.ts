/**
 * Benchmark 4's parameters, the shape of its runs, and its report (tables, targets, notes,
 * raw data) — apart from the browser scenario in bench/resume-chromium.ts.
 */
import { ms, summarize } from './stats.ts';
import type { BenchOutput } from './types.ts';

export const PROGRAM_ID = 'harbour-lights';
export const PROGRAM_DURATION_S = 600;
/** One resume (press → first frame and `playing`) may take this long before it is a failure. */
export const RESUME_TIMEOUT_MS = 20_000;
/** …and a run's whole set-up this long. */
export const SETUP_TIMEOUT_MS = 30_000;
/** This many failed runs in a row end the benchmark (the scenario is broken, not slow). */
export const MAX_FAILURES_IN_A_ROW = 2;

/** What the in-page probe recorded for one resume (times: the page's performance.now()). */
export interface Probe {
  clickAt: number;
  videoAt: number | null;
  frame: { callbackAt: number; presentationTime: number; expectedDisplayTime: number; mediaTime: number; presentedFrames: number } | null;
  playing: { at: number; currentTime: number } | null;
  hasRvfc: boolean | null;
}

/** One measured resume. */
export interface Run {
  run: number;
  /** The point A aimed at (s). */
  targetS: number;
  /** A's stop position (ms), from its stop request. */
  aStopMs: number | null;
  /** The breakpoint on B's card when Resume was pressed (ms). */
  breakpointMs: number | null;
  /** The breakpoint in B's play request (ms). */
  playRequestMs: number | null;
  ok: boolean;
  failure?: string;
  /** Which event defined the first frame. */
  firstFrameBy?: 'requestVideoFrameCallback' | 'playing';
  /** Press → first frame (ms). */
  ttffMs?: number;
  /** Press → first `playing` (ms). */
  playingMs?: number;
  /** Press → first frame's expected display time (ms). */
  displayMs?: number;
  /** Press → the frame callback ran (ms). */
  callbackMs?: number;
  /** Media time of the first frame (s). */
  positionS?: number;
  /** |position − breakpoint| (s). */
  errorS?: number;
  /** currentTime at the first `playing` (s). */
  playingPositionS?: number;
  /** Press → response end of the play request, the manifest, the first video segment (ms). */
  network?: { playMs: number | null; manifestMs: number | null; segmentMs: number | null; segment: string | null; segmentCached: boolean | null };
}

export function report(runs: Run[], n: number, env: { browserVersion: string; executablePath: string; web: string; pageErrors: string[] }): BenchOutput {
  const ok = runs.filter((r) => r.ok);
  const failed = runs.length - ok.length;
  // A failed resume is slower than any measured one: it counts as +∞ in the percentiles.
  const ttff = (rs: Run[]) => summarize(rs.map((r) => (r.ok ? (r.ttffMs as number) : Infinity)));
  const all = ttff(runs);
  const first = ttff(runs.slice(0, 1));
  const warm = ttff(runs.slice(1));
  const errors = ok.map((r) => r.errorS as number);
  const meanErr = errors.length ? errors.reduce((s, e) => s + e, 0) / errors.length : Number.NaN;
  const maxErr = errors.length ? Math.max(...errors) : Number.NaN;
  const sec = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  const msOrFail = (v: number) => (v === Infinity ? 'failed' : ms(v));
  const row = (label: string, rs: Run[], s: ReturnType<typeof summarize>) => {
    const e = rs.filter((r) => r.ok).map((r) => r.errorS as number);
    return [
      label,
      rs.length,
      rs.filter((r) => !r.ok).length,
      msOrFail(s.p50),
      msOrFail(s.p90),
      msOrFail(s.max),
      sec(e.length ? e.reduce((x, y) => x + y, 0) / e.length : Number.NaN),
      sec(e.length ? Math.max(...e) : Number.NaN),
    ];
  };
  const median = (vs: (number | null | undefined)[]) => {
    const s = vs.filter((v): v is number => typeof v === 'number');
    return s.length ? summarize(s).p50 : Number.NaN;
  };
  const byRvfc = ok.filter((r) => r.firstFrameBy === 'requestVideoFrameCallback').length;
  const mismatched = runs.filter((r) => r.breakpointMs !== null && r.playRequestMs !== null && r.breakpointMs !== r.playRequestMs).length;
  const cachedSegments = runs.filter((r) => r.network?.segmentCached === true).length;
  const playingErrors = ok.filter((r) => r.playingPositionS !== undefined && r.breakpointMs !== null).map((r) => Math.abs((r.playingPositionS as number) - (r.breakpointMs as number) / 1000));
  const maxPlayingErr = playingErrors.length ? Math.max(...playingErrors) : Number.NaN;
  const displayGap = ok.filter((r) => r.displayMs !== undefined).map((r) => (r.displayMs as number) - (r.ttffMs as number));
  const maxDisplayGap = displayGap.length ? Math.max(...displayGap) : Number.NaN;
  const p50Met = failed === 0 && all.p50 < 1000;
  const errMet = failed === 0 && ok.length > 0 && maxErr <= 0.5;
  return {
    tables: [
      {
        title: `Resume in Chromium — press Resume on B's card → first presented frame; ${n} resumes of a point A left (harbour-lights, DASH), breakpoints ${Math.round(runs.at(-1)?.targetS ?? 0)}–${Math.round(runs[0]?.targetS ?? 0)} s`,
        columns: ['runs', 'n', 'failed', 'first frame p50 ms', 'p90 ms', 'max ms', 'mean |error| s', 'max |error| s'],
        rows: [row('all', runs, all), row('run 1 (first playback in B’s page)', runs.slice(0, 1), first), row('runs 2… (warm page)', runs.slice(1), warm)],
      },
      {
        title: 'Where the time goes — medians from the press, ms (Resource Timing response ends; first frame; first `playing`)',
        columns: ['play request', 'manifest', 'first video segment', 'first frame', 'first playing'],
        rows: [
          [
            ms(median(ok.map((r) => r.network?.playMs))),
            ms(median(ok.map((r) => r.network?.manifestMs))),
            ms(median(ok.map((r) => r.network?.segmentMs))),
            ms(median(ok.map((r) => r.ttffMs))),
            ms(median(ok.map((r) => r.playingMs))),
          ],
        ],
      },
      {
        title: 'Runs',
        columns: ['run', 'breakpoint s', 'first frame ms', 'first playing ms', 'position s', '|error| s', 'first segment', 'result'],
        rows: runs.map((r) => [
          r.run,
          r.breakpointMs === null ? '–' : (r.breakpointMs / 1000).toFixed(3),
          r.ttffMs === undefined ? '–' : ms(r.ttffMs),
          r.playingMs === undefined ? '–' : ms(r.playingMs),
          r.positionS === undefined ? '–' : r.positionS.toFixed(3),
          r.errorS === undefined ? '–' : r.errorS.toFixed(3),
          r.network?.segment ? `${r.network.segment}${r.network.segmentCached ? ' (cached)' : ''}` : '–',
          r.ok ? 'ok' : (r.failure ?? 'failed'),
        ]),
      },
    ],
    targets: [
      {
        target: 'resume p50 < 1 s (press Resume → first frame)',
        measured: `${all.p50 === Infinity ? 'failed' : `${ms(all.p50)} ms`} (p90 ${msOrFail(all.p90)}, max ${msOrFail(all.max)}; ${runs.length} runs${failed ? `, ${failed} failed or not run` : ''})`,
        met: p50Met,
      },
      {
        target: 'resume error ≤ 0.5 s (|position − breakpoint|)',
        measured: `${sec(maxErr)} s max, ${sec(meanErr)} s mean${failed ? ` (${failed} of ${runs.length} runs failed or not run)` : ''}`,
        met: errMet,
      },
    ],
    notes: [
      `Real server-mock (child process, loopback, 2 s heartbeats) serving the built web terminal and the sample media; headless Chromium ${env.browserVersion} (${env.executablePath}, --disable-gpu: software compositing); two browser contexts signed in and named through the UI.`,
      `First frame = the first video frame presented for composition (requestVideoFrameCallback's presentationTime, in ${byRvfc} of ${ok.length} runs; else the first \`playing\`); position = that frame's mediaTime; time from a performance.now() taken in B's page right before it clicks Resume (one evaluate: read the card's breakpoint, arm the probe, click).`,
      `Before every run A leaves a new point through its UI (tile, seek bar, Esc), descending over the programme and never on a 4 s segment boundary; the error is against the point B's card showed when Resume was pressed (= the breakpoint in B's play request in ${runs.length - mismatched} of ${runs.length} runs).`,
      `The error is the distance to the presented frame's timestamp, so it includes up to one frame (1/15 s) of quantisation: the frame shown is the one covering the breakpoint. At the first \`playing\` the <video>'s currentTime was within ${sec(maxPlayingErr)} s of the breakpoint (max). ${maxDisplayGap === 0 ? "The first frames' expectedDisplayTime equalled their presentationTime (software compositing: no vsync to wait for)." : `The first frames' expectedDisplayTime was at most ${ms(maxDisplayGap)} ms after their presentationTime.`}`,
      `Run 1 is B's first playback in its page; runs 2… reuse the page (its JS warm, Shaka's code paths run before); the first media segment of a resume came from B's HTTP cache in ${cachedSegments} of ${runs.length} runs.`,
      `A resume that does not reach its first frame and \`playing\` within ${RESUME_TIMEOUT_MS / 1000} s is a failure (counted as slower than any time in the percentiles), as is one whose set-up (A's point reaching B's card) takes over ${SETUP_TIMEOUT_MS / 1000} s; ${MAX_FAILURES_IN_A_ROW} failures in a row end the benchmark.`,
      'Chromium, the server and the runner share the machine (2 vCPUs here): on loopback the first frame waits for CPU more than for the wire; the media is 320×180 H.264 at 15 fps (~11 KB per 4 s video segment), so decode cost is small.',
      ...(env.pageErrors.length ? [`Page errors: ${env.pageErrors.slice(0, 3).join(' | ')}${env.pageErrors.length > 3 ? ` (+${env.pageErrors.length - 3})` : ''}`] : []),
    ],
    data: {
      n,
      programId: PROGRAM_ID,
      programDurationS: PROGRAM_DURATION_S,
      browser: env.browserVersion,
      webDir: env.web,
      summary: { all, first, warm, meanErrorS: meanErr, maxErrorS: maxErr, maxPlayingErrorS: maxPlayingErr, failed, firstFrameByRvfc: byRvfc, breakpointMismatches: mismatched, cachedFirstSegments: cachedSegments },
      runs,
      pageErrors: env.pageErrors,
    },
  };
}
