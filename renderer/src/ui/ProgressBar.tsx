/**
 * How far into a programme its breakpoint is, drawn over the artwork (desktop cards and tiles,
 * TV cards and tiles). Decorative: the card's text says the position and the time left. A
 * sliver shows even at 0 % so "started" never looks like "not started".
 */

/** The bar; `className` picks the interface's look (`cw-progress`, `tv-progress`). */
export function ProgressBar({ percent, className = 'cw-progress' }: { percent: number; className?: string }) {
  const width = Math.max(2, Math.min(100, Number.isFinite(percent) ? percent : 0));
  return (
    <span className={className} aria-hidden="true" data-percent={Math.round(width)}>
      <span style={{ width: `${width}%` }} />
    </span>
  );
}
