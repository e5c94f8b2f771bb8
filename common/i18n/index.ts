/**
 * Languages of the product: English and Simplified Chinese, as ICU MessageFormat catalogues
 * (plurals, selects, numbers and times formatted by `Intl` per locale) formatted by format.ts
 * (intl-messageformat's semantics). Environment-free and React-free: the renderer, its stores
 * and the PC app's main process (menus, dialogs) translate and format the same way.
 *
 * Catalogues are loaded, one language at a time (`loadLanguage`): this module imports none of
 * them, so a set-top box fetches only its own language's script (docs/BENCHMARKS.md, issue 17
 * part 4). The renderer's build precompiles the messages (renderer/vite-precompile-messages.ts):
 * a message with ICU syntax arrives as its parsed form and the ICU parser is not in the page's
 * script at all. Node code (main/, tests) imports `./bundled.ts`, which registers both
 * catalogues at once and parses them with the parser.
 */
import { formatMessage } from './format.ts';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Language } from '../platform.ts';
import type { Program } from '../protocol/model.ts';
import type { MessageKey } from './en.ts';

export type { MessageKey } from './en.ts';

/** A message as a catalogue holds it: plain text, or the parsed form of an ICU message. */
export type CompiledMessage = string | MessageFormatElement[];
/** One language's messages by key. */
export type Catalogue = Record<MessageKey, CompiledMessage>;

/** Languages in the order the language picker lists them, with their own names. */
export const LANGUAGES: readonly { id: Language; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

/** Argument values of a message (numbers drive plurals, strings drive selects, dates format as times). */
export type Params = Record<string, string | number | Date>;

/** A bound translate function. */
export type Translate = (key: MessageKey, params?: Params) => string;

/** Plain text needs no parse: no argument, no quoting (`'`), nothing ICU reads as syntax. */
export function isPlainMessage(source: string): boolean {
  return !/[{}']/.test(source);
}

/** Each language's module, loaded on demand (a chunk of its own in the renderer's build). */
const LOADERS: Record<Language, () => Promise<Record<string, CompiledMessage>>> = {
  en: () => import('./en.ts').then((m) => m.en),
  'zh-CN': () => import('./zh-CN.ts').then((m) => m.zhCN),
};

const catalogues = new Map<Language, Record<string, CompiledMessage>>();
const loading = new Map<Language, Promise<void>>();
const listeners = new Set<() => void>();
/** Set by bundled.ts (Node): parses a source message a catalogue holds as text. */
let parser: ((source: string) => MessageFormatElement[]) | null = null;
/** Messages parsed at run time (Node only; the renderer's are parsed at build time). */
const parsed = new Map<string, MessageFormatElement[]>();

/** Install the ICU parser for catalogues that hold source text (bundled.ts). */
export function setMessageParser(parse: (source: string) => MessageFormatElement[]): void {
  parser = parse;
}

/** Make a language's catalogue available (bundled.ts, loadLanguage). */
export function registerCatalogue(lang: Language, messages: Record<string, CompiledMessage>): void {
  catalogues.set(lang, messages);
  for (const l of listeners) l();
}

/** Whether `lang`'s catalogue is loaded. */
export function hasCatalogue(lang: Language): boolean {
  return catalogues.has(lang);
}

/** Called whenever a catalogue arrives (React's useSyncExternalStore). */
export function subscribeCatalogues(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Load `lang`'s catalogue (once; later calls share the first). */
export function loadLanguage(lang: Language): Promise<void> {
  if (catalogues.has(lang)) return Promise.resolve();
  let p = loading.get(lang);
  if (!p) {
    p = LOADERS[lang]().then(
      (messages) => registerCatalogue(lang, messages),
      (err: unknown) => {
        loading.delete(lang);
        throw err;
      },
    );
    loading.set(lang, p);
  }
  return p;
}

/** The parsed form of a message, or null when it is plain text (or cannot be parsed here). */
function elements(message: CompiledMessage): MessageFormatElement[] | null {
  if (typeof message !== 'string') return message;
  if (isPlainMessage(message) || !parser) return null;
  let els = parsed.get(message);
  if (!els) {
    els = parser(message);
    parsed.set(message, els);
  }
  return els;
}

/** The catalogue `lang` reads from: its own, else English, else whichever is loaded. */
function catalogueFor(lang: Language): Record<string, CompiledMessage> | undefined {
  return catalogues.get(lang) ?? catalogues.get('en') ?? catalogues.values().next().value;
}

/**
 * The message for `key` in `lang` with its arguments formatted. A missing argument shows as its
 * `{name}` (a visible bug in a screenshot, never a crash); a catalogue not loaded yet shows the key.
 */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const message = catalogueFor(lang)?.[key];
  if (message === undefined) return key;
  try {
    const els = elements(message);
    if (!els) return typeof message === 'string' ? message : key;
    return formatMessage(els, lang, params ?? {});
  } catch {
    return typeof message === 'string' ? message : key;
  }
}

/** A translate function bound to one language. */
export function translator(lang: Language): Translate {
  return (key, params) => translate(lang, key, params);
}

/** The interface language for a list of preferred BCP-47 tags (browser/OS order); English by default. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const t = tag.toLowerCase();
    // Any Chinese preference gets Simplified Chinese: closer to a Traditional reader than English.
    if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
    if (t === 'en' || t.startsWith('en-')) return 'en';
  }
  return 'en';
}

/** The entry of a per-language record for `lang`: exact tag, then its primary language, else undefined. */
function localized(values: Readonly<Record<string, string>> | undefined, lang: Language): string | undefined {
  if (!values) return undefined;
  return values[lang] ?? values[lang.split('-')[0] ?? lang];
}

/** A programme's title in `lang` (the catalogue's localized title when there is one). */
export function programTitle(program: Pick<Program, 'title' | 'titles'>, lang: Language): string {
  return localized(program.titles, lang) ?? program.title;
}

/** A programme's synopsis in `lang` (the catalogue's localized synopsis, else the default one). */
export function programSynopsis(program: Pick<Program, 'synopsis' | 'synopses'>, lang: Language): string {
  return localized(program.synopses, lang) ?? program.synopsis;
}

/** A media language's name in `lang` ("French" / "法语"), from Intl; the tag itself when unknown. */
export function languageName(tag: string, lang: Language): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'language' }).of(tag);
    return name && name !== tag ? name : tag;
  } catch {
    return tag;
  }
}

/** A media position as a clock: `m:ss`, or `h:mm:ss` from an hour (the same in every language). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A length of time for people: "8 min", "1 h 5 min", "under a minute". */
export function formatDuration(ms: number, t: Translate): string {
  if (ms < 60_000) return t('time.lessThanMinute');
  const totalMin = Math.round(ms / 60_000);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return h > 0 ? t('time.hoursMinutes', { h, m }) : t('time.minutes', { m });
}

/** How long ago `then` was, relative to `now`: "just now", "5 minutes ago", "yesterday". */
export function formatRelative(then: number, now: number, lang: Language, t: Translate): string {
  const diff = Math.max(0, now - then);
  if (diff < 45_000) return t('time.justNow');
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const minutes = Math.round(diff / 60_000);
  if (minutes < 60) return rtf.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return rtf.format(-hours, 'hour');
  return rtf.format(-Math.round(hours / 24), 'day');
}

const wallclockFormats = new Map<Language, Intl.DateTimeFormat>();

/**
 * A wall-clock moment (a live breakpoint) as the locale writes a time of day with seconds:
 * "7:48:57 PM" in English, "19:48:57" in Chinese.
 */
export function formatWallclock(epochMs: number, lang: Language): string {
  let f = wallclockFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
    wallclockFormats.set(lang, f);
  }
  return f.format(epochMs);
}
