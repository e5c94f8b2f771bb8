/**
 * The 10-foot now-playing row (issue 15): what the household's other terminals play right now,
 * live, with the position advancing every second. Same facts and data-* attributes as the
 * desktop row (ui/NowPlaying.tsx).
 */
import { useId } from 'react';
import { useRuntime, useT } from '../ui/context.tsx';
import { artworkUrl } from '../ui/format.ts';
import { TerminalIcon } from '../ui/icons.tsx';
import { nowPlayingData, useNowPlaying } from '../ui/NowPlaying.tsx';

/** The TV's row; nothing when no other terminal plays. */
export function TvNowPlaying() {
  const rt = useRuntime();
  const t = useT();
  const headingId = useId();
  const items = useNowPlaying();
  if (items.length === 0) return null;
  return (
    <section className="tv-section" aria-labelledby={headingId} data-testid="tv-row-now-playing">
      <h2 id={headingId} className="tv-section-title">
        {t('nowPlaying.title')}
      </h2>
      <ul className="tv-row">
        {items.map((item) => (
          <li key={item.session.sessionId} className="tv-item" {...nowPlayingData(item)}>
            <div className="tv-card tv-np-card" role="group" aria-label={item.label}>
              {item.program && (
                <span className="tv-art" aria-hidden="true">
                  <img src={artworkUrl(rt.baseUrl(), item.program.artwork)} alt="" decoding="async" />
                </span>
              )}
              <span className="tv-card-title">{item.title}</span>
              <span className="tv-card-meta">
                <TerminalIcon type={item.session.terminalType} size={22} />
                <span className="tv-ellipsis" data-testid="now-playing-state">
                  {item.state}
                </span>
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
