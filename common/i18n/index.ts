/**
 * Languages of the product: English and Simplified Chinese, as ICU MessageFormat catalogues
 * (plurals, selects, numbers and times formatted by `Intl` per locale) read through
 * intl-messageformat. Environment-free and React-free: the renderer, its stores and the PC app's
 * main process (menus, dialogs) translate and format the same way from these catalogues.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { Language } from '../platform.ts';
import type { Program } from '../protocol/model.ts';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageKey } from './en.ts';

/** Every language's catalogue: ICU MessageFormat source strings by key. */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Languages in the order the language picker lists them, with their own names. */
export const LANGUAGES: readonly { id: Language; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

/** Argument values of a message (numbers drive plurals, strings drive selects, dates format as times). */
export type Params = Record<string, string | number | Date>;

/** A bound translate function. */
export type Translate = (key: MessageKey, params?: Params) => string;

const compiled = new Map<string, IntlMessageFormat>();

/** The compiled message (cached: parsing is the expensive part). */
function formatter(lang: Language, key: MessageKey): IntlMessageFormat {
  const id = `${lang}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    const source = MESSAGES[lang][key] ?? en[key];
    // `ignoreTag`: catalogues hold plain text; a "<" is a character, never markup.
    f = new IntlMessageFormat(source, lang, undefined, { ignoreTag: true });
    compiled.set(id, f);
  }
  return f;
}

/**
 * The message for `key` in `lang` with its arguments formatted. A missing argument shows as its
 * `{name}` (a visible bug in a screenshot, never a crash).
 */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  try {
    return String(formatter(lang, key).format(params ?? {}));
  } catch {
    return MESSAGES[lang][key] ?? en[key];
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
