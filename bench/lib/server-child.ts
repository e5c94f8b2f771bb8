/**
 * Start a benchmark server in a child process (see `server-entry.ts`) and talk to it: wait for
 * its URL, sample its CPU time, stop it gracefully or kill it (-9, for the durability check).
 * Only the processes started here are ever signalled, by their own pid.
 * `BENCH_CPU_PROF=DIR` starts children with `--cpu-prof` into DIR, for profiling a run;
 * `BENCH_SERVER_NODE_ARGS="--flag …"` adds Node flags to every server child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuSample, HeapStats, ServerSpec } from './server-entry.ts';

const ENTRY = fileURLToPath(new URL('./server-entry.ts', import.meta.url));

/** A running child server. */
export interface ChildServer {
  url: string;
  pid: number;
  /** CPU time used since it was ready. */
  cpu(): Promise<CpuSample>;
  /** Heap (after a full GC when the child runs with --expose-gc) and streaming counters. */
  stats(): Promise<HeapStats>;
  /** Graceful stop (closes the store); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL now, as a crash would (no close, no checkpoint). */
  kill(): Promise<void>;
}

/**
 * Fork a server child; rejects when it does not come up within `timeoutMs`. `entry` may name the
 * server-entry.ts of another checkout, to compare two versions of the server in one run.
 */
export function startChild(spec: ServerSpec, timeoutMs = 60_000, entry = ENTRY, nodeArgs: readonly string[] = []): Promise<ChildServer> {
  const execArgv = [...process.execArgv, ...nodeArgs];
  if (process.env.BENCH_CPU_PROF) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  // Extra Node flags for the servers (e.g. --max-semi-space-size=32), to try runtime settings.
  if (process.env.BENCH_SERVER_NODE_ARGS) execArgv.push(...process.env.BENCH_SERVER_NODE_ARGS.split(/\s+/).filter(Boolean));
  const child: ChildProcess = fork(entry, [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench server (${spec.kind}) did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`bench server (${spec.kind}) exited with ${code} before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', function onReady(msg: { type: string; url?: string; message?: string }) {
      if (msg.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`bench server failed: ${msg.message}`));
      }
      if (msg.type !== 'ready') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onReady);
      const killNow = async () => {
        if (alive()) child.kill('SIGKILL');
        await exited;
      };
      resolve({
        url: msg.url as string,
        pid: child.pid as number,
        cpu: () => ask<CpuSample>(child, 'cpu'),
        stats: () => ask<HeapStats>(child, 'stats'),
        stop: async (stopTimeoutMs = 15_000) => {
          if (!alive()) return;
          child.send({ type: 'stop' });
          const t = setTimeout(() => void killNow(), stopTimeoutMs);
          await exited;
          clearTimeout(t);
        },
        kill: killNow,
      });
    });
  });
}

/** Ask the child one IPC question (`cpu`, `stats`) and wait for the answer of that type. */
function ask<T>(child: ChildProcess, type: 'cpu' | 'stats', timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`bench server did not answer a ${type} query`)), timeoutMs);
    const on = (m: { type: string } & T) => {
      if (m.type !== type) return;
      clearTimeout(t);
      child.off('message', on);
      res(m);
    };
    child.on('message', on);
    child.send({ type });
  });
}

/** CPU share of one core the server used between two samples (1 = one core busy). */
export function coreShare(a: CpuSample, b: CpuSample): number {
  const cpuMs = (b.userUs + b.systemUs - a.userUs - a.systemUs) / 1000;
  return cpuMs / Math.max(1, b.wallMs - a.wallMs);
}

/** CPU microseconds the server spent between two samples. */
export function cpuUs(a: CpuSample, b: CpuSample): number {
  return b.userUs + b.systemUs - a.userUs - a.systemUs;
}
