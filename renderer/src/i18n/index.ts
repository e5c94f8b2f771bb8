/**
 * Languages of the interface: English and Simplified Chinese. Pure functions (no React), so
 * stores and tests translate and format the same way the UI does.
 */
import type { Language } from '../../../common/platform.ts';
import type { Program } from '../../../common/protocol/model.ts';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageKey } from './en.ts';

/** Every language's messages. */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Languages in the order the language picker lists them, with their own names. */
export const LANGUAGES: readonly { id: Language; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

/** Placeholder values. */
export type Params = Record<string, string | number>;

/** A bound translate function. */
export type Translate = (key: MessageKey, params?: Params) => string;

/** The message for `key` in `lang` with `{placeholders}` filled in. */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const text = MESSAGES[lang][key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
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

/** A programme's title in `lang` (the catalogue's localized title when there is one). */
export function programTitle(program: Pick<Program, 'title' | 'titles'>, lang: Language): string {
  return program.titles?.[lang] ?? program.title;
}

/** A media position as a clock: `m:ss`, or `h:mm:ss` from an hour. */
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

/** A wall-clock moment (a live breakpoint) as a local time of day with seconds. */
export function formatWallclock(epochMs: number, lang: Language): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(epochMs);
}
