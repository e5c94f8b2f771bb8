import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { formatClock, formatDuration, formatRelative, MESSAGES, pickLanguage, programTitle, translate, translator } from './index.ts';
import { zhCN } from './zh-CN.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('every key exists in both languages, non-empty, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [lang, messages] of Object.entries(MESSAGES)) {
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('Chinese strings are translated, not copied', () => {
    const same = Object.keys(en).filter((k) => en[k as keyof typeof en] === zhCN[k as keyof typeof en]);
    expect(same).toEqual([]);
  });

  it('picks the language from the browser/OS preferences', () => {
    expect(pickLanguage(['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLanguage(['zh-Hans-SG'])).toBe('zh-CN');
    expect(pickLanguage(['de-DE', 'en-US', 'zh'])).toBe('en');
    expect(pickLanguage(['fr'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translate('en', 'card.from', { terminal: 'Study PC', when: 'just now' })).toBe('On Study PC · just now');
    expect(translator('zh-CN')('card.left', { time: '8 分钟' })).toBe('剩余 8 分钟');
  });

  it('formats times for people', () => {
    const t = translator('en');
    expect(formatClock(62.9)).toBe('1:02');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatDuration(30_000, t)).toBe('under a minute');
    expect(formatDuration(8 * 60_000, t)).toBe('8 min');
    expect(formatDuration(65 * 60_000, t)).toBe('1 h 5 min');
    expect(formatRelative(1_000, 20_000, 'en', t)).toBe('just now');
    expect(formatRelative(0, 5 * 60_000, 'en', t)).toBe('5 minutes ago');
    expect(formatRelative(0, 5 * 60_000, 'zh-CN', translator('zh-CN'))).toBe('5分钟前');
  });

  it('uses the catalogue’s localized title', () => {
    const p = { title: 'Harbour Lights', titles: { 'zh-CN': '港湾灯火' } };
    expect(programTitle(p, 'zh-CN')).toBe('港湾灯火');
    expect(programTitle(p, 'en')).toBe('Harbour Lights');
    expect(programTitle({ title: 'X' }, 'zh-CN')).toBe('X');
  });
});
