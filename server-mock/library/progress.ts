/**
 * The CLI's progress display of packaging jobs: a bar with percent, speed × realtime and ETA
 * per running file, redrawn in place on a terminal, and a line per 10 % step elsewhere (CI
 * logs, pipes). Pure formatting plus a tiny writer, unit-tested.
 */
import path from 'node:path';

/** One job as the display sees it. */
export interface ShownJob {
  path: string;
  fraction: number;
  speed: number;
  etaSec: number | null;
}

/** `h:mm:ss` or `m:ss`; `--:--` when unknown. */
export function clock(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return '--:--';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One progress line: `[########------------]  40%   3.1× realtime  ETA 0:41  film.mkv`. */
export function progressLine(job: ShownJob, width = 24): string {
  const f = Math.max(0, Math.min(1, job.fraction));
  const filled = Math.round(f * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const speed = job.speed > 0 ? `${job.speed.toFixed(1)}× realtime`.padStart(14) : ''.padStart(14);
  return `${bar} ${pct} ${speed}  ETA ${clock(job.etaSec).padStart(7)}  ${path.basename(job.path)}`;
}

/** A writer of job progress to a stream (TTY: redrawn in place; else: a line per 10 %). */
export function progressWriter(out: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean }) {
  const tty = Boolean(out.isTTY);
  const steps = new Map<string, number>();
  let drawn = false;
  return {
    /** Show the current state of a job. */
    update(job: ShownJob): void {
      if (tty) {
        out.write(`\r\x1b[2K${progressLine(job)}`);
        drawn = true;
        return;
      }
      const step = Math.floor(job.fraction * 10);
      if ((steps.get(job.path) ?? -1) < step) {
        steps.set(job.path, step);
        out.write(`${progressLine(job)}\n`);
      }
    },
    /** Print a finished file's outcome on its own line. */
    done(line: string): void {
      out.write(`${tty && drawn ? '\r\x1b[2K' : ''}${line}\n`);
      drawn = false;
    },
  };
}
