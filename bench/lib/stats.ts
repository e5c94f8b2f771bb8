/** Percentiles and number formatting for benchmark tables. */

/** Summary of a latency sample (milliseconds). */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (p in 0–100); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Summarise samples (any order). */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  const mean = arr.length ? arr.reduce((s, v) => s + v, 0) / arr.length : Number.NaN;
  return {
    count: arr.length,
    mean,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: arr.length ? (arr[arr.length - 1] as number) : Number.NaN,
  };
}

/** Median of a few numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Milliseconds with 2 decimals below 10, else 1. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

/** An integer with thousands separators. */
export function int(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–';
}

/** A ratio as a percentage. */
export function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '–';
}

/** A ratio like 1.23×. */
export function times(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '–';
}
