/**
 * electron-builder.yml, checked with electron-builder 26's own code (app-builder-lib): the
 * configuration validates against its schema, and the desktop entries its LinuxTargetHelper
 * writes for the AppImage and the deb keep our Categories and carry the TV-mode action. The
 * packager object is the minimum computeDesktopEntry reads (no build runs here: no Electron).
 */
import { readFileSync } from 'node:fs';
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
function desktopEntry(target: 'appImage' | 'deb', exec?: string): Promise<string> {
  const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as { LinuxTargetHelper: new (p: unknown) => { computeDesktopEntry(o: unknown, exec?: string, extra?: unknown): Promise<string> } };
  const { deepAssign } = require('builder-util-runtime') as { deepAssign: (...o: unknown[]) => Record<string, unknown> };
  const linux = config.linux as Record<string, unknown>;
  const options = deepAssign({}, linux, config[target] ?? {});
  const packager = {
    appInfo: { productName: config.productName, sanitizedProductName: config.productName, buildVersion: pkg.version, description: pkg.description },
    executableName: config.executableName,
    info: { metadata: pkg },
    config,
    platformSpecificBuildOptions: linux,
    fileAssociations: [],
  };
  return new LinuxTargetHelper(packager).computeDesktopEntry(options, exec);
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

  it('AppImage entry: our Categories, the TV-mode desktop action', async () => {
    const entry = await desktopEntry('appImage', 'AppRun --no-sandbox %U');
    expect(entry).toContain('\nCategories=AudioVideo;Video;Player;\n');
    expect(entry).toContain('\nActions=TvMode;\n');
    expect(entry).toMatch(/\[Desktop Action TvMode\]\nName=Start in TV Mode[^\n]*\nExec=AppRun --no-sandbox --kiosk %U/);
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
