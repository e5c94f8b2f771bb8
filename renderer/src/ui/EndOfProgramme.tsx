/**
 * The end of a programme, on every interface: the picture darkened behind large type, and the
 * choices "Next episode" (when the catalogue has one: same series, next episode or season),
 * "Watch again" and "Back". The desktop clicks or tabs through them (the first has focus); the TV
 * moves through them with ◀ ▶ and OK (TvPlayer owns the keys: its screen has no DOM focus).
 * With a next episode, it starts by itself after a countdown (NEXT_EPISODE_S) unless the viewer
 * stays; it starts with the languages of this one (carry.ts).
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import { programTitle } from '../../../common/i18n/index.ts';
import type { Program } from '../../../common/protocol/model.ts';
import type { PlayerController } from '../player/controller.ts';
import { carryTracks } from '../player/carry.ts';
import { nextEpisode } from '../player/next-episode.ts';
import { hrefOf } from '../route.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { Icon, type IconName } from './icons.tsx';
import { goHome } from './navigation.ts';

/** One choice at the end. */
export interface EndChoice {
  id: 'next' | 'replay' | 'back';
  label: string;
  icon: IconName;
  run: () => void;
}

/** The choices at the end of `program`, the first being the one to take by default. */
export function useEndChoices(program: Program | null, controller: PlayerController | null): EndChoice[] {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const catalogue = useStore(rt.home, (s) => s.page?.catalogue);
  const next = program ? nextEpisode(program, catalogue ?? []) : null;
  const choices: EndChoice[] = [];
  if (next) {
    choices.push({
      id: 'next',
      label: t('player.nextEpisode', { title: programTitle(next, lang) }),
      icon: 'play',
      // Replaces the finished programme in history: Back from the next one goes home.
      run: () => {
        if (controller) carryTracks(next.id, controller.trackChoice());
        window.location.replace(hrefOf({ name: 'watch', programId: next.id, start: { kind: 'resume' } }));
      },
    });
  }
  choices.push({ id: 'replay', label: t('player.replay'), icon: 'restart', run: () => controller?.play() });
  choices.push({ id: 'back', label: t('player.back'), icon: 'back', run: () => goHome() });
  return choices;
}

/** Seconds before the next episode starts by itself. */
export const NEXT_EPISODE_S = 10;

/** The next episode's countdown while the end shows: seconds left (null = none), and stay. */
export function useNextCountdown(choices: EndChoice[], ended: boolean): { seconds: number | null; stay: () => void } {
  const next = choices[0]?.id === 'next' ? choices[0] : null;
  const [seconds, setSeconds] = useState<number | null>(null);
  useEffect(() => {
    setSeconds(ended && next ? NEXT_EPISODE_S : null);
  }, [ended, next !== null]);
  useEffect(() => {
    if (seconds === null) return;
    if (seconds <= 0) {
      next?.run();
      return;
    }
    const id = setTimeout(() => setSeconds((s) => (s === null ? null : s - 1)), 1_000);
    return () => clearTimeout(id);
  }, [seconds]);
  const stay = useCallback(() => setSeconds(null), []);
  return { seconds, stay };
}

/** The end-of-programme overlay; `focused` marks the TV's current choice (null on the desktop). */
export function EndOfProgramme({
  title,
  choices,
  focused = null,
  className = '',
  countdown = null,
}: {
  title: string;
  choices: EndChoice[];
  focused?: number | null;
  className?: string;
  countdown?: { seconds: number | null; stay: () => void } | null;
}) {
  const t = useT();
  const headingId = useId();
  const tv = focused !== null;
  return (
    <div className={`player-end ${className}`} role="group" aria-labelledby={headingId} data-testid="player-end">
      <p className="player-end-kicker">{t('player.ended.kicker')}</p>
      <h2 id={headingId} className="player-end-title">
        {title}
      </h2>
      {countdown && countdown.seconds !== null && (
        <p className="player-end-countdown" role="status" data-testid="next-countdown">
          {t('player.nextIn', { seconds: countdown.seconds })}
          {!tv && (
            <button type="button" className="btn btn-ghost btn-sm" onClick={countdown.stay}>
              {t('player.nextCancel')}
            </button>
          )}
        </p>
      )}
      <div className="player-end-actions">
        {choices.map((c, i) => (
          <button
            key={c.id}
            type="button"
            className={`${tv ? 'tv-btn' : 'btn'} ${i === 0 ? (tv ? 'tv-btn-primary' : 'btn-primary') : ''} player-end-btn${focused === i ? ' is-focused' : ''}`}
            data-choice={c.id}
            tabIndex={tv ? -1 : 0}
            aria-current={focused === i || undefined}
            autoFocus={!tv && i === 0}
            onClick={c.run}
          >
            <Icon name={c.icon} size={tv ? 32 : 20} /> {c.label}
          </button>
        ))}
      </div>
    </div>
  );
}
