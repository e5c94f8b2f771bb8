/**
 * The Chromium every browser run uses (Playwright's projects and benchmark 4): Playwright's own
 * where installed, else Debian's /usr/bin/chromium (this machine cannot download browsers),
 * or RA_CHROMIUM; with the flags a headless run on a shared VM needs (no GPU, autoplay
 * without a gesture, nothing fetched in the background).
 */
import { existsSync } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The browser binary to launch, or undefined for Playwright's own. */
export const CHROMIUM_EXECUTABLE: string | undefined = process.env.RA_CHROMIUM ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

/** Launch flags. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
