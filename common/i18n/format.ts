/**
 * Formats a parsed ICU message (the AST of @formatjs/icu-messageformat-parser, made at build
 * time for the renderer) with `Intl`: literals, arguments, plurals (exact `=n`, offset, `#`,
 * ordinal), selects, numbers, dates and times. The same semantics as intl-messageformat's
 * `formatToParts` (i18n.test.ts compares the two on every message of both catalogues), without
 * that package: its module keeps the ICU parser alive in any bundle that imports it.
 */
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';

export type FormatValue = string | number | Date;

// The parser's TYPE enum (types.ts of @formatjs/icu-messageformat-parser), as numbers: importing
// the enum would import the parser.
const LITERAL = 0, ARGUMENT = 1, NUMBER = 2, DATE = 3, TIME = 4, SELECT = 5, PLURAL = 6, POUND = 7, TAG = 8;

const NAMED = {
  number: { integer: { maximumFractionDigits: 0 }, currency: { style: 'currency' }, percent: { style: 'percent' } } as Record<string, Intl.NumberFormatOptions>,
  date: {
    short: { month: 'numeric', day: 'numeric', year: '2-digit' },
    medium: { month: 'short', day: 'numeric', year: 'numeric' },
    long: { month: 'long', day: 'numeric', year: 'numeric' },
    full: { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' },
  } as Record<string, Intl.DateTimeFormatOptions>,
  time: {
    short: { hour: 'numeric', minute: 'numeric' },
    medium: { hour: 'numeric', minute: 'numeric', second: 'numeric' },
    long: { hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'short' },
    full: { hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'short' },
  } as Record<string, Intl.DateTimeFormatOptions>,
};

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function intl<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(kind: string, lang: string, opts: object | undefined, make: () => T): T {
  const id = `${kind}\u0000${lang}\u0000${JSON.stringify(opts ?? null)}`;
  let v = cache.get(id) as T | undefined;
  if (!v) {
    v = make();
    cache.set(id, v);
  }
  return v;
}
const numberFormat = (lang: string, opts?: Intl.NumberFormatOptions) => intl('n', lang, opts, () => new Intl.NumberFormat(lang, opts));
const dateFormat = (lang: string, opts?: Intl.DateTimeFormatOptions) => intl('d', lang, opts, () => new Intl.DateTimeFormat(lang, opts));
const pluralRules = (lang: string, opts: Intl.PluralRulesOptions) => intl('p', lang, opts, () => new Intl.PluralRules(lang, opts));

/** The options of a number/date/time element: a named style or a skeleton's parsed options. */
function styleOptions<T>(style: unknown, named: Record<string, T>, fallback?: T): T | undefined {
  if (typeof style === 'string') return named[style];
  if (style && typeof style === 'object' && 'parsedOptions' in style) return (style as { parsedOptions: T }).parsedOptions;
  return fallback;
}

const own = <T>(o: Record<string, T>, k: string): T | undefined => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** A message argument was not given: intl-messageformat's MISSING_VALUE. */
export class MissingValueError extends Error {}

/** Format `els` in `lang`; throws MissingValueError for an argument `values` lacks. */
export function formatMessage(els: readonly MessageFormatElement[], lang: string, values: Readonly<Record<string, FormatValue>>, pound?: number): string {
  let out = '';
  for (const el of els) {
    if (el.type === (LITERAL as number)) {
      out += (el as { value: string }).value;
      continue;
    }
    if (el.type === (POUND as number)) {
      if (typeof pound === 'number') out += numberFormat(lang).format(pound);
      continue;
    }
    if (el.type === (TAG as number)) {
      // ignoreTag parsing never makes one; a tag's children would be its text.
      out += formatMessage((el as { children: MessageFormatElement[] }).children, lang, values, pound);
      continue;
    }
    const name = (el as { value: string }).value;
    if (!(name in values)) throw new MissingValueError(`message argument "${name}" missing`);
    const value = values[name] as FormatValue;
    switch (el.type as number) {
      case ARGUMENT:
        out += String(value);
        break;
      case NUMBER: {
        const opts = styleOptions((el as { style?: unknown }).style, NAMED.number);
        const scale = (opts as { scale?: number } | undefined)?.scale ?? 1;
        out += numberFormat(lang, opts).format(Number(value) * scale);
        break;
      }
      case DATE:
      case TIME: {
        const named = el.type === (DATE as number) ? NAMED.date : NAMED.time;
        const opts = styleOptions((el as { style?: unknown }).style, named, el.type === (TIME as number) ? NAMED.time.medium : undefined);
        out += dateFormat(lang, opts).format(typeof value === 'number' ? value : value instanceof Date ? value : Number(value));
        break;
      }
      case SELECT: {
        const options = (el as { options: Record<string, { value: MessageFormatElement[] }> }).options;
        const opt = own(options, String(value)) ?? options.other;
        if (!opt) throw new Error(`select "${name}" has no option for ${String(value)} and no other`);
        // As intl-messageformat: a select's branch does not see the enclosing plural's `#`.
        out += formatMessage(opt.value, lang, values);
        break;
      }
      case PLURAL: {
        const p = el as { options: Record<string, { value: MessageFormatElement[] }>; offset: number; pluralType: 'cardinal' | 'ordinal' };
        const n = Number(value);
        const offset = p.offset || 0;
        const opt = own(p.options, `=${String(value)}`) ?? own(p.options, pluralRules(lang, { type: p.pluralType }).select(n - offset)) ?? p.options.other;
        if (!opt) throw new Error(`plural "${name}" has no other`);
        out += formatMessage(opt.value, lang, values, n - offset);
        break;
      }
      default:
        throw new Error(`unknown message element ${String(el.type)}`);
    }
  }
  return out;
}
