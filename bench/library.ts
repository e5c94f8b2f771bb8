/**
 * Benchmark 6 — Library: how fast a file is packaged (× realtime) and what a packaging job does
 * to the server's answers.
 * - source: a generated 10-minute 1080p25 H.264/AAC file (`testsrc2`, x264 veryfast CRF 23, AAC
 *   stereo 128k): 30 s rendered once and stream-copied ×20, so the source is real moving 1080p
 *   at the cost of 30 s of encoding; cached between runs;
 * - **copy path (remux)**: the whole 10 minutes, video and audio stream-copied into CMAF
 *   segments + DASH/HLS, thumbnails (keyframes only) and the poster — the library's real
 *   pipeline (`packageFile`) with the ladder cut to its copied top rung;
 * - **copy + ladder**: the default plan for that source: the 1080p rung copied, 720p and 480p
 *   transcoded (x264 veryfast), on a 30-s slice;
 * - **transcode path**: an MPEG-2 + AC-3 1080p slice (30 s) transcoded to the whole H.264 ladder
 *   (1080p/720p/480p) and AAC — the work an HEVC/VP9/AV1 file costs too, minus its decoding;
 * - **the server while a job runs**: a `server-mock` child process (the CLI, all roles) answers
 *   `GET /admin/v1/programs` at a fixed 50 requests/s (open loop, bench/lib/load.ts) first with
 *   nothing running (the baseline), then while it transcodes the MPEG-2 slice given to it through
 *   `POST /admin/v1/library/scan`. ffmpeg runs at nice 10 (server-mock/library/ffmpeg.ts).
 * `--quick`: a 30-s source (6 s × 5), 6-s slices, 4-s latency phases.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { packageFile } from '../server-mock/library/package.ts';
import { planPackage, type PackagePlan } from '../server-mock/library/plan.ts';
import { probeFile } from '../server-mock/library/probe.ts';
import { spawnServer } from '../server-mock/testing/process.ts';
import { openLoop, type OpenLoopResult } from './lib/load.ts';
import { ms } from './lib/stats.ts';
import type { Benchmark, BenchContext, BenchOutput } from './lib/types.ts';

function ff(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg: ${err.slice(-1000)}`))));
  });
}

/** A cached file made by `make` into a temp name, renamed into place when complete. */
async function cached(file: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (await stat(file).catch(() => null)) return file;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = file.replace(/(\.[a-z0-9]+)$/, `.partial-${process.pid}$1`);
  await make(tmp);
  await rename(tmp, file);
  return file;
}

interface Measured {
  label: string;
  sourceSec: number;
  elapsedSec: number;
  speed: number;
  rungs: string;
}

async function measure(label: string, source: string, outDir: string, shape: (p: PackagePlan) => PackagePlan): Promise<Measured> {
  const info = await probeFile(source);
  const plan = shape(planPackage(info, []));
  await mkdir(outDir, { recursive: true });
  const t0 = performance.now();
  await packageFile({ source, info, plan, poster: null, title: label, hash: label, outDir });
  const elapsedSec = (performance.now() - t0) / 1000;
  return {
    label,
    sourceSec: info.durationMs / 1000,
    elapsedSec,
    speed: info.durationMs / 1000 / elapsedSec,
    rungs: plan.renditions.map((r) => `${r.height}p ${r.copy ? 'copy' : 'x264'}`).join(', ') + `; audio ${plan.audio.map((a) => (a.copy ? 'copy' : 'aac')).join(', ')}`,
  };
}

async function run(ctx: BenchContext): Promise<BenchOutput> {
  const baseSec = ctx.quick ? 6 : 30;
  const loops = ctx.quick ? 5 : 20;
  const phaseSec = ctx.quick ? 4 : 15;
  const dir = path.join(ctx.cacheDir, 'library-v1');
  ctx.log(`generating (or reusing) a ${baseSec}-s 1080p source and its ${baseSec * loops}-s loop in ${dir}`);
  const base = await cached(path.join(dir, `h264-1080p-${baseSec}s.mp4`), (tmp) =>
    ff(['-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=25:duration=${baseSec}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${baseSec}`, '-ac', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', tmp]),
  );
  const long = await cached(path.join(dir, `h264-1080p-${baseSec * loops}s.mp4`), (tmp) => ff(['-stream_loop', String(loops - 1), '-i', base, '-c', 'copy', tmp]));
  const mpeg2 = await cached(path.join(dir, `mpeg2-ac3-1080p-${baseSec}s.mkv`), (tmp) =>
    ff(['-i', base, '-c:v', 'mpeg2video', '-q:v', '4', '-c:a', 'ac3', '-b:a', '384k', tmp]),
  );

  ctx.log('packaging: copy path (remux), copy + ladder, transcode path');
  const results = [
    await measure('copy path (remux)', long, path.join(ctx.workDir, 'remux'), (p) => ({ ...p, renditions: p.renditions.slice(0, 1), copyOnly: true })),
    await measure('copy + ladder', base, path.join(ctx.workDir, 'ladder'), (p) => p),
    await measure('transcode path (MPEG-2/AC-3)', mpeg2, path.join(ctx.workDir, 'transcode'), (p) => p),
  ];

  ctx.log('server latency: baseline, then while a transcode job runs');
  const data = path.join(ctx.workDir, 'server');
  const server = await spawnServer(['--port', '0', '--data', data, '--log-level', 'warn'], {}, 60_000);
  let baseline: OpenLoopResult;
  let during: OpenLoopResult;
  let jobSeen = false;
  try {
    const token = (await readFile(path.join(data, 'admin-token'), 'utf8')).trim();
    const headers = { authorization: `Bearer ${token}` };
    const load = () => openLoop({ url: server.url, path: '/admin/v1/programs', headers, rate: 50, durationSec: phaseSec });
    await load(); // warm-up
    baseline = await load();
    const job = path.join(ctx.workDir, 'job', 'Bench Transcode.mkv');
    await mkdir(path.dirname(job), { recursive: true });
    await copyFile(mpeg2, job);
    const res = await fetch(`${server.url}/admin/v1/library/scan`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ paths: [job] }) });
    if (res.status !== 202) throw new Error(`scan answered ${res.status}`);
    // Wait until ffmpeg is really running (past the 2-s settle time of a new file).
    for (let i = 0; i < 100 && !jobSeen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const jobs = (await (await fetch(`${server.url}/admin/v1/library/jobs`, { headers })).json()) as { jobs: { state: string; progress: number }[] };
      jobSeen = jobs.jobs.some((j) => j.state === 'packaging' && j.progress > 0);
    }
    during = await load();
    const after = (await (await fetch(`${server.url}/admin/v1/library/jobs`, { headers })).json()) as { jobs: { state: string }[] };
    jobSeen &&= after.jobs.some((j) => j.state === 'packaging');
  } finally {
    await server.stop();
  }

  const remux = results[0] as Measured;
  const limitP99 = Math.max(50, baseline.latency.p99 * 2);
  return {
    tables: [
      {
        title: 'Packaging speed (× realtime; wall time of the whole pipeline: segments, thumbnails, poster, manifests)',
        columns: ['path', 'source', 'renditions', 'wall time', '× realtime'],
        rows: results.map((r) => [r.label, `${r.sourceSec.toFixed(0)} s 1080p`, r.rungs, `${r.elapsedSec.toFixed(1)} s`, `${r.speed.toFixed(2)}×`]),
      },
      {
        title: `GET /admin/v1/programs at 50 requests/s, ${phaseSec} s per phase (open loop; ms from the scheduled send)`,
        columns: ['phase', 'answered', 'p50', 'p90', 'p99', 'max'],
        rows: [
          ['baseline (no job)', `${baseline.ok}/${baseline.scheduled}`, ms(baseline.latency.p50), ms(baseline.latency.p90), ms(baseline.latency.p99), ms(baseline.latency.max)],
          [`while transcoding${jobSeen ? '' : ' (job not seen running!)'}`, `${during.ok}/${during.scheduled}`, ms(during.latency.p50), ms(during.latency.p90), ms(during.latency.p99), ms(during.latency.max)],
        ],
      },
    ],
    targets: [
      { target: 'copy path (remux) of a 10-min 1080p H.264/AAC file ≥ 10× realtime', measured: `${remux.speed.toFixed(1)}×`, met: ctx.quick ? null : remux.speed >= 10 },
      { target: 'requests while a job runs: p99 ≤ max(50 ms, 2× the baseline p99), none failed', measured: `${ms(during.latency.p99)} ms (baseline ${ms(baseline.latency.p99)} ms), ${during.failed} failed`, met: jobSeen ? during.latency.p99 <= limitP99 && during.failed === 0 : false },
    ],
    notes: [
      'Source generated on the spot (lavfi testsrc2 + sine), never downloaded; cached under the bench cache dir.',
      'Speeds are wall-clock on a shared 2-core machine: other helpers’ work competes for the cores (see the load average in the header).',
      'The transcode path starts from MPEG-2: an HEVC/VP9/AV1 source costs the same encodes plus a heavier decode.',
      'ffmpeg runs at nice 10 so the server keeps its share of the CPU; the latency phases run in the same server process before and during one job.',
    ],
    data: { results, baseline, during, jobSeen, quick: ctx.quick },
  };
}

const bench: Benchmark = { name: 'library', number: 6, title: 'Library: packaging speed and the server while a job runs', run };
export default bench;
