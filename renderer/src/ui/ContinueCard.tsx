/**
 * One card of Continue watching: one per programme, from the newest point across the user's
 * terminals — artwork, title, which terminal left it and when, progress, time left — with
 * Resume, Start over, Play on ▸ another terminal (ui/Remote.tsx), Remove, and the other
 * terminals' points one step away.
 */
import { useId } from 'react';
import type { ContinueItem } from '../../../common/protocol/api.ts';
import { useLanguage, useNow, useT } from './context.tsx';
import { cardData, cardText, describeBreakpoint } from './format.ts';
import { Icon, TerminalIcon } from './icons.tsx';
import { CardFrame } from './CardFrame.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { navigate } from './navigation.ts';
import { Artwork } from './Artwork.tsx';
import { CardPlayOn } from './Remote.tsx';

/** A Continue-watching card. */
export function ContinueCard({ item, onRemove }: { item: ContinueItem; onRemove: (programId: string, title: string) => void }) {
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const titleId = useId();
  const { program, record, percent, others } = item;
  const { title, position, live, from, left, tracks } = cardText(item, lang, t, now);
  const resume = () => navigate({ name: 'watch', programId: program.id, start: { kind: 'resume' } });

  return (
    <li className="cw-card" {...cardData(item)}>
      <article aria-labelledby={titleId}>
        <div className="cw-art" onClick={resume} aria-hidden="true">
          <Artwork artwork={program.artwork} lazy />
          <CardFrame item={item} />
          <span className="cw-art-play">
            <Icon name="play" size={28} />
          </span>
          {live ? (
            <span className="badge badge-live">{t('tile.live')}</span>
          ) : (
            <ProgressBar percent={percent} />
          )}
        </div>
        <div className="cw-body">
          <h3 id={titleId} className="cw-title">
            {title}
          </h3>
          <p className="cw-meta" data-testid="cw-from">
            <TerminalIcon type={record.terminalType} />
            <span>{from}</span>
          </p>
          <p className="cw-left">{left}</p>
          {tracks && (
            <p className="cw-tracks" data-testid="cw-tracks">
              {tracks}
            </p>
          )}
          {!live && (
            <div
              className="sr-only"
              role="progressbar"
              aria-label={title}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(percent)}
            />
          )}
          <div className="cw-actions">
            <button
              type="button"
              className="btn btn-primary btn-sm"
              aria-label={t('card.resume.label', { title, position, terminal: record.terminalName })}
              onClick={resume}
            >
              <Icon name="play" size={18} />
              {t('card.resume')}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label={t(live ? 'card.watchLive.label' : 'card.startOver.label', { title })}
              onClick={() => navigate({ name: 'watch', programId: program.id, start: { kind: 'over' } })}
            >
              <Icon name={live ? 'live' : 'restart'} size={18} />
              <span className="btn-text">{t(live ? 'card.watchLive' : 'card.startOver')}</span>
            </button>
            <CardPlayOn programId={program.id} title={title} />
            <button
              type="button"
              className="icon-btn"
              aria-label={t('card.remove.label', { title })}
              title={t('card.remove')}
              onClick={() => onRemove(program.id, title)}
            >
              <Icon name="close" size={18} />
            </button>
          </div>
          {others.length > 0 && (
            <details className="cw-others">
              <summary>
                <Icon name="devices" size={16} /> {t('card.others', { count: others.length })}
              </summary>
              <ul>
                {others.map((o) => (
                  <li key={o.terminalId}>
                    <button type="button" className="link-btn" onClick={() => navigate({ name: 'watch', programId: program.id, start: { kind: 'terminal', terminalId: o.terminalId } })}>
                      <TerminalIcon type={o.terminalType} />
                      {t('card.other.resume', { terminal: o.terminalName, position: describeBreakpoint(o.breakpoint, lang) })}
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      </article>
    </li>
  );
}
