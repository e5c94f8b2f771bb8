/**
 * `npm run package:smoke`: the packaged app really starts. Builds the unpacked package
 * (`electron-builder --dir`, with the local Electron binary as electronDist, so nothing is
 * downloaded), starts it headless — on Linux under Xvfb (`xvfb-run -a -s "-screen 0
 * 1920x1080x24"`) when there is no display — with a fresh data folder, waits for the embedded
 * server's "household server running at …" line and the first window ("window shown"), quits
 * it, and exits 0. Where there is no Electron binary (no network for install-electron), it says
 * so and exits 0 as skipped; any other failure exits 1 with the reason and the app's last lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { displayProblem, locateElectronBinary, npmCommand, sandboxFlags } from './build-electron.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The unpacked app's executable electron-builder --dir writes for `platform`. */
export function unpackedExecutable(platform: NodeJS.Platform, outDir: string, arch: string = process.arch): string {
  switch (platform) {
    case 'win32':
      return join(outDir, 'win-unpacked', 'Resume Anywhere.exe');
    case 'darwin':
      return join(outDir, arch === 'arm64' ? 'mac-arm64' : 'mac', 'Resume Anywhere.app', 'Contents', 'MacOS', 'Resume Anywhere');
    default:
      return join(outDir, arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked', 'resume-anywhere');
  }
}

/** The command that starts it headless: under Xvfb on a Linux without a display. */
export function smokeCommand(exe: string, dataDir: string, o: { needsXvfb: boolean; uid?: number | undefined }): { command: string; args: string[] } {
  const app = [`--data-dir=${dataDir}`, '--no-lan', ...sandboxFlags(o.uid)];
  return o.needsXvfb ? { command: 'xvfb-run', args: ['-a', '-s', '-screen 0 1920x1080x24', exe, ...app] } : { command: exe, args: app };
}

/** What the smoke test waits for in the app's log lines. */
export function smokeProgress(lines: readonly string[]): { server: string | null; window: boolean } {
  const server = lines.map((l) => /household server running at (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean) ?? null;
  return { server, window: lines.some((l) => /\bwindow shown\b/.test(l)) };
}

async function main(): Promise<number> {
  const binary = locateElectronBinary(ROOT);
  if (!binary.ok) {
    console.log(`package:smoke skipped: ${binary.reason}`);
    return 0;
  }
  const needsXvfb = displayProblem() !== null;
  if (needsXvfb && spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error) {
    console.error('package:smoke: no display and no xvfb-run (apt-get install xvfb)');
    return 1;
  }
  const npm = npmCommand();
  const electronDist = dirname(binary.path.replace(/\/Electron\.app\/.*$/, '/Electron.app'));
  console.log('package:smoke: building the unpacked package (electron-builder --dir)…');
  const build = spawnSync(npm.command, ['run', '--silent', 'package:dir', '--', `-c.electronDist=${electronDist}`], { cwd: ROOT, stdio: 'inherit', shell: npm.shell });
  if (build.status !== 0) {
    console.error('package:smoke: the package did not build');
    return 1;
  }
  const exe = unpackedExecutable(process.platform, join(ROOT, 'dist', 'packages'));
  if (!existsSync(exe)) {
    console.error(`package:smoke: no executable at ${exe}`);
    return 1;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ra-smoke-'));
  const { command, args } = smokeCommand(exe, dataDir, { needsXvfb, uid: process.getuid?.() });
  console.log(`package:smoke: ${command} ${args.join(' ')}`);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) createInterface({ input: s }).on('line', (l) => lines.push(l));
  const t0 = Date.now();
  let ok = false;
  while (Date.now() - t0 < 90_000 && child.exitCode === null) {
    const p = smokeProgress(lines);
    if (p.server && p.window) {
      console.log(`package:smoke: ok — server at ${p.server}, first window after ${Date.now() - t0} ms`);
      ok = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Quit as the OS would (SIGTERM → Electron quits through before-quit), the whole group.
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
    else child.kill();
  } catch {
    // already gone
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (!ok) console.error(`package:smoke: failed (exit ${child.exitCode ?? 'none'}); last lines:\n${lines.slice(-30).join('\n')}`);
  return ok ? 0 : 1;
}

if (import.meta.main) process.exit(await main());
