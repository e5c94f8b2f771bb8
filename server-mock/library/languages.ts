/**
 * Language tags of tracks. Containers carry ISO 639-2 codes (`eng`, `chi`/`zho`, `fre`/`fra`);
 * manifests and players speak BCP-47 (`en`, `zh`). The table below maps the 639-2 codes of the
 * languages films are actually dubbed and subtitled in; it is written here rather than pulled
 * from a package because these ~60 entries are all we need and they never change. Unknown
 * codes pass through when they already look like BCP-47, else become `und`.
 */

const ISO639_2_TO_1: Record<string, string> = {
  ara: 'ar', bul: 'bg', cat: 'ca', ces: 'cs', cze: 'cs', chi: 'zh', zho: 'zh', dan: 'da', deu: 'de', ger: 'de',
  ell: 'el', gre: 'el', eng: 'en', spa: 'es', est: 'et', eus: 'eu', baq: 'eu', fas: 'fa', per: 'fa', fin: 'fi',
  fil: 'fil', fra: 'fr', fre: 'fr', gle: 'ga', glg: 'gl', heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu', ind: 'id',
  isl: 'is', ice: 'is', ita: 'it', jpn: 'ja', kor: 'ko', lit: 'lt', lav: 'lv', may: 'ms', msa: 'ms', nld: 'nl',
  dut: 'nl', nor: 'no', nob: 'nb', nno: 'nn', pol: 'pl', por: 'pt', ron: 'ro', rum: 'ro', rus: 'ru', slk: 'sk',
  slo: 'sk', slv: 'sl', srp: 'sr', swe: 'sv', tam: 'ta', tel: 'te', tha: 'th', tur: 'tr', ukr: 'uk', urd: 'ur',
  vie: 'vi', yue: 'yue', cmn: 'zh', ben: 'bn', mal: 'ml', mar: 'mr', kan: 'kn', guj: 'gu', pan: 'pa', swa: 'sw',
};

/** A BCP-47 tag for a container's language tag: `eng` → `en`, `zh-CN` stays, junk → `und`. */
export function normalizeLanguage(raw: string | undefined | null): string {
  const v = (raw ?? '').trim();
  if (!v) return 'und';
  const lower = v.toLowerCase();
  if (lower === 'und' || lower === 'mis' || lower === 'mul' || lower === 'zxx') return 'und';
  const mapped = ISO639_2_TO_1[lower];
  if (mapped) return mapped;
  // Already BCP-47 (`en`, `pt-BR`, `zh-Hans`): keep, with canonical casing.
  if (/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(v)) {
    try {
      return Intl.getCanonicalLocales(v)[0] ?? 'und';
    } catch {
      return 'und';
    }
  }
  return 'und';
}

/** A track label in the language's own name ("English", "中文"), or the tag when unknown. */
export function languageLabel(tag: string): string {
  if (tag === 'und') return 'Unknown';
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    return name ? name.charAt(0).toLocaleUpperCase(tag) + name.slice(1) : tag;
  } catch {
    return tag;
  }
}

/** Terminology (639-2/T) codes where the table above also lists a bibliographic one. */
const PREFERRED_639_2 = new Set(['ces', 'zho', 'deu', 'ell', 'eus', 'fas', 'fra', 'isl', 'msa', 'nld', 'ron', 'slk']);
const ISO639_1_TO_2 = new Map<string, string>();
for (const [three, two] of Object.entries(ISO639_2_TO_1)) {
  if (!ISO639_1_TO_2.has(two) || PREFERRED_639_2.has(three)) ISO639_1_TO_2.set(two, three);
}

/**
 * The ISO 639-2 code an MP4 track header needs (`mdhd` holds three letters): `en` → `eng`,
 * `zh-CN` → `zho`; `und` when unknown.
 */
export function iso6392(tag: string): string {
  const primary = tag.split('-')[0]?.toLowerCase() ?? '';
  if (primary.length === 3 && /^[a-z]{3}$/.test(primary)) return primary;
  return ISO639_1_TO_2.get(primary) ?? 'und';
}
