/**
 * The app's command line (and environment), parsed without failing on flags that belong to
 * Electron, Chromium or a test driver:
 *   --kiosk                    start in set-top (kiosk) mode
 *   --server-url=URL           use this server for the run instead of the embedded one
 *   --data-dir=DIR             keep the app's data (store, embedded server) in DIR (RA_APP_DATA)
 *   --no-lan                   the embedded server listens on this machine only
 *   --config=FILE              the provisioning file (RA_CONFIG; main/provisioning.ts)
 * and RA_SUPERVISED=1, set by the start-on-boot supervisor (main/autostart.ts).
 */
import { checkServerUrl } from './platform-handlers.ts';

/** What a run was asked to do. */
export interface LaunchArgs {
  kiosk: boolean;
  /** Remote server for this run (overrides the setting), origin only. */
  serverUrl: string | null;
  /** userData override (tests, several profiles). */
  dataDir: string | null;
  /** Force the embedded server to loopback for this run. */
  noLan: boolean;
  /** The provisioning file named on the command line, else null (RA_CONFIG / the OS default). */
  configFile: string | null;
  /**
   * Started by the OS's start-on-boot supervisor, which starts the app again when it exits with
   * an error (the Linux launcher, the macOS LaunchAgent: RA_SUPERVISED=1): the app then only exits.
   */
  supervised: boolean;
  /** Problems with the arguments (logged; the app still starts). */
  warnings: string[];
}

function valueOf(argv: readonly string[], name: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) return argv[i + 1] ?? null;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return null;
}

/** Parse `process.argv` (any prefix: executable, app path) and the environment. */
export function parseLaunchArgs(argv: readonly string[], env: Record<string, string | undefined>): LaunchArgs {
  const warnings: string[] = [];
  let serverUrl: string | null = null;
  const rawUrl = valueOf(argv, 'server-url') ?? env.RA_SERVER_URL ?? null;
  if (rawUrl) {
    try {
      serverUrl = checkServerUrl(rawUrl);
    } catch (err) {
      warnings.push(`--server-url ignored: ${(err as Error).message}`);
    }
  }
  return {
    kiosk: argv.includes('--kiosk') || env.RA_KIOSK === '1',
    serverUrl,
    dataDir: valueOf(argv, 'data-dir') ?? env.RA_APP_DATA ?? null,
    noLan: argv.includes('--no-lan'),
    configFile: valueOf(argv, 'config'),
    supervised: env.RA_SUPERVISED === '1',
    warnings,
  };
}
