import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from './en.ts';
import {
  formatClock,
  formatDuration,
  formatRelative,
  formatWallclock,
  LANGUAGES,
  MESSAGES,
  pickLanguage,
  programSynopsis,
  programTitle,
  translate,
  translator,
  type Params,
} from './bundled.ts';
import { zhCN } from './zh-CN.ts';

type ArgKind = 'text' | 'count' | 'choice' | 'time';

/** The arguments of an ICU message with what kind of value each takes (walking into plural/select branches). */
function messageArguments(source: string): Map<string, { kind: ArgKind; options: string[] }> {
  const args = new Map<string, { kind: ArgKind; options: string[] }>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.argument) args.set(el.value, args.get(el.value) ?? { kind: 'text', options: [] });
      else if (el.type === TYPE.number) args.set(el.value, { kind: 'count', options: [] });
      else if (el.type === TYPE.date || el.type === TYPE.time) args.set(el.value, { kind: 'time', options: [] });
      else if (el.type === TYPE.plural) {
        args.set(el.value, { kind: 'count', options: [] });
        for (const o of Object.values(el.options)) walk(o.value);
      } else if (el.type === TYPE.select) {
        args.set(el.value, { kind: 'choice', options: Object.keys(el.options) });
        for (const o of Object.values(el.options)) walk(o.value);
      } else if (el.type === TYPE.tag) walk(el.children);
    }
  };
  walk(parse(source, { ignoreTag: true }));
  return args;
}

const KEYS = Object.keys(en) as MessageKey[];
/** 0, 1, 2 and "many" (a number whose plural form differs from all three in every language we ship). */
const COUNTS = [0, 1, 2, 25, 1000];

/** Every combination of argument values worth rendering for one message. */
function argumentCases(key: MessageKey): Params[] {
  const args = messageArguments(en[key]);
  let cases: Params[] = [{}];
  for (const [name, { kind, options }] of args) {
    const values: (string | number | Date)[] =
      kind === 'count' ? COUNTS : kind === 'choice' ? [...new Set([...options.filter((o) => o !== 'other'), 'other', 'unknown-value'])] : kind === 'time' ? [new Date(Date.UTC(2026, 0, 1, 19, 48, 57))] : [`«${name}»`];
    cases = cases.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return cases;
}

describe('i18n catalogues', () => {
  it('every key exists in both languages, non-empty, taking the same arguments', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const { id } of LANGUAGES) {
      for (const key of KEYS) {
        const source = MESSAGES[id][key];
        expect(source.trim(), `${id} ${key}`).not.toBe('');
        const want = [...messageArguments(en[key])].map(([n, a]) => [n, a.kind]).sort();
        const got = [...messageArguments(source)].map(([n, a]) => [n, a.kind]).sort();
        expect(got, `${id} ${key}`).toEqual(want);
      }
    }
  });

  it('renders EVERY message in both languages with 0, 1, 2 and many, and every select branch', () => {
    let rendered = 0;
    for (const { id } of LANGUAGES) {
      for (const key of KEYS) {
        for (const params of argumentCases(key)) {
          const out = translate(id, key, params);
          const where = `${id} ${key} ${JSON.stringify(params)}`;
          expect(out.trim(), where).not.toBe('');
          // Nothing left unformatted: no braces, no stray plural '#'.
          expect(out, where).not.toMatch(/[{}#]/);
          // Every text argument appears in the output.
          for (const [name, v] of Object.entries(params)) {
            if (typeof v === 'string' && v.startsWith('«')) expect(out, `${where} ${name}`).toContain(v);
          }
          rendered++;
        }
      }
    }
    expect(rendered).toBeGreaterThan(KEYS.length * 2);
  });

  it('English plurals agree with their number (no more "1 updates … have")', () => {
    const t = translator('en');
    expect(t('settings.signOut.pending', { count: 1 })).toBe('1 update from this device has not been sent yet and will be lost.');
    expect(t('settings.signOut.pending', { count: 2 })).toBe('2 updates from this device have not been sent yet and will be lost.');
    expect(t('settings.signOut.pending', { count: 1000 })).toBe('1,000 updates from this device have not been sent yet and will be lost.');
    expect(t('offline.pending', { count: 0 })).toBe('Nothing waiting to be sent');
    expect(t('offline.pending', { count: 1 })).toBe('1 update waiting to be sent');
    expect(t('card.others', { count: 1 })).toBe('1 other device');
    expect(translate('zh-CN', 'card.others', { count: 3 })).toBe('其他 3 台设备');
  });

  it('selects pick the branch, with a safe default', () => {
    expect(translate('en', 'type', { type: 'mobile' })).toBe('Phone');
    expect(translate('en', 'type', { type: 'stb' })).toBe('TV box');
    expect(translate('en', 'type', { type: 'pc' })).toBe('Computer');
    expect(translate('zh-CN', 'type', { type: 'mobile' })).toBe('手机');
    expect(translate('en', 'name.suggest', { type: 'stb' })).toBe('Living-room TV');
    expect(translate('en', 'settings.interface.auto', { mode: 'tv' })).toBe('Automatic (TV)');
  });

  it('a missing argument never throws', () => {
    expect(() => translate('en', 'card.from', {})).not.toThrow();
    expect(() => translate('zh-CN', 'settings.signOut.pending')).not.toThrow();
  });

  it('Chinese strings are translated, not copied', () => {
    const same = KEYS.filter((k) => en[k] === zhCN[k]);
    expect(same).toEqual([]);
  });

  it('picks the language from the browser/OS preferences', () => {
    expect(pickLanguage(['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLanguage(['zh-Hans-SG'])).toBe('zh-CN');
    expect(pickLanguage(['de-DE', 'en-US', 'zh'])).toBe('en');
    expect(pickLanguage(['fr'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('fills arguments', () => {
    expect(translate('en', 'card.from', { terminal: 'Study PC', when: 'just now' })).toBe('On Study PC · just now');
    expect(translator('zh-CN')('card.left', { time: '8 分钟' })).toBe('剩余 8 分钟');
  });
});

describe('formatting', () => {
  it('formats lengths and relative times for people', () => {
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

  it('formats a time of day the way each locale writes it (no leading zero in English)', () => {
    // A local time of day, whatever the test machine's zone.
    const at = new Date(2026, 0, 1, 19, 48, 57).getTime();
    expect(formatWallclock(at, 'en')).toMatch(/^7:48:57\sPM$/);
    expect(formatWallclock(at, 'zh-CN')).toBe('19:48:57');
    expect(formatWallclock(new Date(2026, 0, 1, 7, 5, 9).getTime(), 'en')).toMatch(/^7:05:09\sAM$/);
  });
});

describe('catalogue text', () => {
  it('uses the catalogue’s localized title and synopsis', () => {
    const p = { title: 'Harbour Lights', titles: { 'zh-CN': '港湾灯火' }, synopsis: 'A harbour.', synopses: { 'zh-CN': '一座港口。' } };
    expect(programTitle(p, 'zh-CN')).toBe('港湾灯火');
    expect(programTitle(p, 'en')).toBe('Harbour Lights');
    expect(programTitle({ title: 'X' }, 'zh-CN')).toBe('X');
    expect(programSynopsis(p, 'zh-CN')).toBe('一座港口。');
    expect(programSynopsis(p, 'en')).toBe('A harbour.');
    expect(programSynopsis({ synopsis: 'Only English', synopses: { zh: '中文' } }, 'zh-CN')).toBe('中文');
    expect(programSynopsis({ synopsis: 'Only English' }, 'zh-CN')).toBe('Only English');
  });
});

describe('format.ts against intl-messageformat', () => {
  it('formats every message of both catalogues, precompiled, exactly as IntlMessageFormat does', async () => {
    const { IntlMessageFormat } = await import('intl-messageformat');
    const { formatMessage } = await import('./format.ts');
    const { compileCatalogue } = await import('./bundled.ts');
    let compared = 0;
    for (const { id } of LANGUAGES) {
      const compiled = compileCatalogue(MESSAGES[id]);
      for (const key of KEYS) {
        for (const params of argumentCases(key)) {
          const want = String(new IntlMessageFormat(MESSAGES[id][key], id, undefined, { ignoreTag: true }).format(params));
          const m = compiled[key];
          const got = typeof m === 'string' ? m : formatMessage(m as MessageFormatElement[], id, params);
          expect(got, `${id} ${key} ${JSON.stringify(params)}`).toBe(want);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(KEYS.length * 2);
  });

  it('numbers, times, exact plurals, offsets and ordinals (shapes the catalogues do not use yet)', async () => {
    const { IntlMessageFormat } = await import('intl-messageformat');
    const { formatMessage } = await import('./format.ts');
    const at = new Date(Date.UTC(2026, 0, 1, 19, 48, 57));
    const cases: [string, Params][] = [
      ['{n, number, percent} done', { n: 0.25 }],
      ['{n, number} items', { n: 12345.5 }],
      ['{n, number, ::currency/EUR}', { n: 3.5 }],
      ['at {t, time}', { t: at }],
      ['at {t, time, short} on {t, date, medium}', { t: at }],
      ['{n, plural, offset:1 =0 {nobody} =1 {only {who}} one {{who} and # other} other {{who} and # others}}', { n: 3, who: 'Ann' }],
      ['{n, plural, offset:1 =0 {nobody} =1 {only {who}} one {{who} and # other} other {{who} and # others}}', { n: 2, who: 'Ann' }],
      ['{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}', { n: 23 }],
      ["It''s '{literal}' {x}", { x: 'y' }],
    ];
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const [source, params] of cases) {
        const want = String(new IntlMessageFormat(source, lang, undefined, { ignoreTag: true }).format(params));
        expect(formatMessage(parse(source, { ignoreTag: true }), lang, params), `${lang} ${source}`).toBe(want);
      }
    }
  });

  it('a missing argument throws (translate then shows the source), it never formats as undefined', async () => {
    const { formatMessage, MissingValueError } = await import('./format.ts');
    expect(() => formatMessage(parse('{n, plural, one {# x} other {# xs}}'), 'en', {})).toThrow(MissingValueError);
  });
});
