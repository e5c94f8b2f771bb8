/**
 * electron-builder.yml, checked with electron-builder 26's own code (app-builder-lib): the
 * configuration validates against its schema, and the desktop entries its LinuxTargetHelper
 * writes for the AppImage and the deb keep our Categories and carry the TV-mode action. The
 * packager object is the minimum computeDesktopEntry reads (no build runs here: no Electron).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): Record<string, Record<string, unknown>> };
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

/** What app-builder-lib's AppImage / deb targets pass: platform options merged with the target's. */
function desktopEntry(target: 'deb', exec?: string): Promise<string> {
  const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as { LinuxTargetHelper: new (p: unknown) => { computeDesktopEntry(o: unknown, exec?: string, extra?: unknown): Promise<string> } };
  const { deepAssign } = require('builder-util-runtime') as { deepAssign: (...o: unknown[]) => Record<string, unknown> };
  const linux = config.linux as Record<string, unknown>;
  const options = deepAssign({}, linux, config[target] ?? {});
  return new LinuxTargetHelper(packagerFor(linux)).computeDesktopEntry(options, exec);
}

/** The minimum of electron-builder's packager that its Linux targets read. */
function packagerFor(linux: Record<string, unknown>) {
  return {
    appInfo: { productName: config.productName, sanitizedProductName: config.productName, buildVersion: pkg.version, description: pkg.description },
    executableName: config.executableName,
    info: { metadata: pkg },
    config,
    platformSpecificBuildOptions: linux,
    fileAssociations: [],
  };
}

/** The AppImage target's own desktop entry (its default Exec for the FUSE2 runtime included). */
function appImageEntry(): Promise<string> {
  const helperModule = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as { LinuxTargetHelper: new (p: unknown) => unknown };
  const AppImageTarget = (require('app-builder-lib/out/targets/appimage/AppImageTarget.js') as { default: new (i: null, p: unknown, h: unknown, o: string) => { desktopEntry: { value: Promise<string> } } }).default;
  const packager = packagerFor(config.linux as Record<string, unknown>);
  return new AppImageTarget(null, packager, new helperModule.LinuxTargetHelper(packager), tmpdir()).desktopEntry.value;
}

describe('electron-builder.yml', () => {
  it('validates against electron-builder 26’s schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration: (c: unknown, l: unknown) => Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('package.json has what the deb needs: homepage, author with e-mail', () => {
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect((pkg.author as { email?: string }).email).toMatch(/@/);
  });

  it('AppImage entry (written by the AppImage target itself): our Categories, the TV-mode desktop action', async () => {
    const entry = await appImageEntry();
    expect(entry).toContain('\nExec=AppRun --no-sandbox %U\n');
    expect(entry).toContain('\nCategories=AudioVideo;Video;Player;\n');
    expect(entry).toContain('\nActions=TvMode;\n');
    expect(entry).toMatch(/\[Desktop Action TvMode\]\nName=Start in TV Mode[^\n]*\nExec=AppRun --no-sandbox --kiosk %U/);
  });

  it('AppImage on Ubuntu 24.04 (user namespaces restricted): its AppRun adds --no-sandbox itself, so the file started directly runs', () => {
    const { generateAppRunScript } = require('app-builder-lib/out/targets/appimage/appImageUtil.js') as { generateAppRunScript: (c: Record<string, string>) => string };
    const appDir = mkdtempSync(join(tmpdir(), 'ra-appdir-'));
    try {
      const appRun = join(appDir, 'AppRun');
      writeFileSync(appRun, generateAppRunScript({ DesktopFileName: 'resume-anywhere.desktop', ExecutableName: String(config.executableName), ProductName: String(config.productName), ProductFilename: String(config.productName), ResourceName: 'appimagekit-resume-anywhere' }), { mode: 0o755 });
      // The app: prints the arguments it got. `unshare` (AppRun's probe; AppRun puts APPDIR first
      // on PATH) stands for the host: denied as AppArmor's restriction denies it, or allowed.
      writeFileSync(join(appDir, String(config.executableName)), '#!/bin/sh\necho "$@"\n', { mode: 0o755 });
      const run = (userns: boolean, ...args: string[]) => {
        writeFileSync(join(appDir, 'unshare'), `#!/bin/sh\nexit ${userns ? 0 : 1}\n`, { mode: 0o755 });
        const r = spawnSync('bash', [appRun, ...args], { env: { PATH: process.env.PATH, APPDIR: appDir, APPIMAGE: join(appDir, 'x.AppImage'), HOME: appDir }, encoding: 'utf8' });
        expect(r.status).toBe(0);
        return r.stdout.trim();
      };
      expect(run(false)).toBe('--no-sandbox');
      expect(run(false, '--kiosk')).toBe('--no-sandbox --kiosk');
      expect(run(true, '--kiosk')).toBe('--kiosk'); // namespaces allowed (or the admin's profile): the sandbox stays
      expect(run(false, '--no-sandbox', '--kiosk')).toBe('--no-sandbox --kiosk'); // the menu entry's flag, once
    } finally {
      rmSync(appDir, { recursive: true, force: true });
    }
  });

  it('deb entry: the same Categories and action, with the installed path', async () => {
    const entry = await desktopEntry('deb');
    expect(entry).toContain('\nExec="/opt/Resume Anywhere/resume-anywhere" %U\n');
    expect(entry).toContain('\nCategories=AudioVideo;Video;Player;\n');
    expect(entry).toContain('Exec="/opt/Resume Anywhere/resume-anywhere" --kiosk %U');
  });

  it('ships no source maps: not of main/preload, not of the renderer', () => {
    expect(config.files).toContain('!dist/electron/**/*.map');
    const web = (config.extraResources as unknown as { from: string; filter?: string[] }[]).find((r) => r.from === 'renderer/dist');
    expect(web?.filter).toContain('!**/*.map');
  });
});
