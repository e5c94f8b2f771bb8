/**
 * Kiosk provisioning for fleets: one JSON file that an administrator (or an image build) puts on
 * every set-top box or shop PC, read at each start. Where it is looked for:
 *
 *   `--config FILE` or RA_CONFIG=FILE              (wins)
 *   Linux    /etc/resume-anywhere/config.json
 *   Windows  %ProgramData%\Resume Anywhere\config.json
 *   macOS    /Library/Application Support/Resume Anywhere/config.json
 *
 * {
 *   "serverUrl": "https://tv.example.org",            the server (instead of the embedded one)
 *   "kiosk": true,                                     start in set-top mode
 *   "startOnBoot": true,                               install the OS's autostart entry
 *   "terminal": { "name": "Lobby TV", "type": "stb" }, what the device calls itself when linked
 *   "language": "zh-CN",                               the interface language (locked)
 *   "settings": { "muted": true, "mode": "tv" }        further settings, locked
 * }
 *
 * Every field is optional. Provisioned settings (language included) are locked: they override
 * the stored ones and the app refuses to change them (`FORBIDDEN`). A file that is missing is no
 * provisioning; a file that is not valid is reported in the log and ignored as a whole (a
 * half-applied fleet config is worse than none) — the app still starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { Language, Settings } from '../common/platform.ts';
import { TerminalName, TerminalType } from '../common/protocol/model.ts';

/** The file's schema. */
export const ProvisioningFile = Type.Object(
  {
    serverUrl: Type.Optional(Type.String({ maxLength: 500 })),
    kiosk: Type.Optional(Type.Boolean()),
    startOnBoot: Type.Optional(Type.Boolean()),
    terminal: Type.Optional(Type.Object({ name: Type.Optional(TerminalName), type: Type.Optional(TerminalType) }, { additionalProperties: false })),
    language: Type.Optional(Language),
    settings: Type.Optional(Type.Partial(Type.Omit(Settings, ['serverUrl']), { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type ProvisioningFile = Static<typeof ProvisioningFile>;

/** What a start was provisioned with. */
export interface Provisioning {
  /** The file it came from, or null (none found). */
  source: string | null;
  config: ProvisioningFile;
  /** Settings the fleet fixed (language included); not changeable in the app. */
  locked: Partial<Settings>;
  /** Why the file was ignored, if it was. */
  problem: string | null;
}

/** The documented system-wide location of the file on `platform`. */
export function defaultConfigPath(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  switch (platform) {
    case 'win32':
      return join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Resume Anywhere', 'config.json');
    case 'darwin':
      return '/Library/Application Support/Resume Anywhere/config.json';
    default:
      return '/etc/resume-anywhere/config.json';
  }
}

/** Parse the file's text. */
export function parseProvisioning(text: string, source: string): Provisioning {
  const none = (problem: string): Provisioning => ({ source, config: {}, locked: {}, problem });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return none(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (!Value.Check(ProvisioningFile, raw)) {
    const first = [...Value.Errors(ProvisioningFile, raw)][0];
    return none(`${source} does not fit the schema${first ? ` (${first.instancePath || '/'}: ${first.message})` : ''}`);
  }
  const config = raw;
  const locked: Partial<Settings> = { ...config.settings };
  if (config.language) locked.language = config.language;
  return { source, config, locked, problem: null };
}

/** Read the provisioning of this start: `--config`/RA_CONFIG, else the OS's default path. */
export function loadProvisioning(explicit: string | null, platform: NodeJS.Platform, env: Record<string, string | undefined>, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): Provisioning {
  const path = explicit ?? env.RA_CONFIG ?? defaultConfigPath(platform, env);
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No file at the default place: not provisioned. A named file that is missing is a mistake.
    if (code === 'ENOENT' && !explicit && !env.RA_CONFIG) return { source: null, config: {}, locked: {}, problem: null };
    return { source: path, config: {}, locked: {}, problem: `${path} cannot be read (${code ?? String(err)})` };
  }
  return parseProvisioning(text, path);
}
