/**
 * The TV player's keys (see TvPlayer.tsx for what each does), through the remote's one path
 * (remote.ts): one exhaustive switch over RemoteAction. Owns the scrub gesture (scrub.ts), the
 * audio/subtitle/speed menu's highlight (▼ or Menu opens it; ▲ ▼ choose, ◀ ▶ change group, OK
 * selects, Back closes), the focused choice at the end of the programme (any key but OK keeps
 * the next episode from starting by itself) and what the live region says.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import { formatClock, formatWallclock } from '../../../common/i18n/index.ts';
import type { PlayerController } from '../player/controller.ts';
import { useLanguage, useRuntime, useT } from '../ui/context.tsx';
import type { EndChoice } from '../ui/EndOfProgramme.tsx';
import type { MenuFocus, MenuSection } from '../ui/TrackMenu.tsx';
import { goHome } from '../ui/navigation.ts';
import { useRemote } from './remote.ts';
import type { RemoteAction } from './keymap.ts';
import { createScrubber, SCRUB_COMMIT_MS } from './scrub.ts';
import { NO_TARGETS } from './useTvPlayOn.ts';

/** What the player screen shows of its keys' state. */
export interface TvPlayerKeys {
  /** Where a scrub in progress would seek (s), or null. */
  scrubTarget: number | null;
  /** The live region's text: what the last key did. */
  said: string;
  /** The focused choice at the end of the programme. */
  endFocus: number;
  /** The track menu's highlight while it is open, else null. */
  menuFocus: MenuFocus | null;
}

/** The highlight on the checked item of section `section` (its first when none is). */
function focusOn(sections: MenuSection[], section: number): MenuFocus {
  const s = Math.max(0, Math.min(sections.length - 1, section));
  return { section: s, item: Math.max(0, sections[s]?.items.findIndex((i) => i.checked) ?? 0) };
}

/** What the live region says once a menu item was chosen. */
function saidOnChoice(section: MenuSection['id'], label: string, t: ReturnType<typeof useT>): string {
  switch (section) {
    case 'audio':
      return t('player.trackSet.audio', { language: label });
    case 'subtitles':
      return t('player.trackSet.subtitles', { language: label });
    case 'speed':
      return t('player.trackSet.speed', { rate: label });
    case 'play-on':
      return t('remote.tv.playingOn', { terminal: label });
    default:
      return assertNever(section, 'menu section');
  }
}

/** Handle the remote for the player of `controller`; `poke` shows the transport bar. */
export function useTvPlayerRemote({
  controller,
  poke,
  endChoices,
  menu,
  stayAtEnd,
}: {
  controller: PlayerController | null;
  poke: () => void;
  endChoices: EndChoice[];
  /** The track menu's sections. */
  menu: MenuSection[];
  /** Keep the next episode from starting by itself. */
  stayAtEnd: () => void;
}): TvPlayerKeys {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const status = useStore(rt.player, (s) => s.status);
  const [endFocus, setEndFocus] = useState(0);
  useEffect(() => {
    if (status === 'ended') setEndFocus(0);
  }, [status]);
  const [scrubTarget, setScrubTarget] = useState<number | null>(null);
  const [said, setSaid] = useState('');
  const [menuFocus, setMenuFocus] = useState<MenuFocus | null>(null);
  useEffect(() => {
    if (status !== 'ready') setMenuFocus(null);
  }, [status]);
  const scrubber = useRef(createScrubber()).current;
  const commitTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (commitTimer.current) clearTimeout(commitTimer.current);
    },
    [],
  );

  const commitScrub = useCallback(() => {
    if (commitTimer.current) clearTimeout(commitTimer.current);
    commitTimer.current = null;
    const to = scrubber.commit();
    setScrubTarget(null);
    if (to !== null && controller) {
      controller.seekTo(to);
      // Live: the broadcast's time of day ("Moved to 7:41:20 PM, 6:40 behind live"), not media time.
      const { live: isLive, liveEpochMs, seekEnd: edge } = rt.player.getState();
      setSaid(
        isLive && liveEpochMs !== null
          ? t('tv.player.seekedLive', { time: formatWallclock(liveEpochMs + to * 1000, lang), behind: formatClock(Math.max(0, edge - to)) })
          : t('tv.player.seeked', { time: formatClock(to) }),
      );
    }
  }, [controller, scrubber, t, rt, lang]);

  const cancelScrub = useCallback(() => {
    if (commitTimer.current) clearTimeout(commitTimer.current);
    commitTimer.current = null;
    scrubber.cancel();
    setScrubTarget(null);
  }, [scrubber]);

  /** Play or pause, announcing what was asked of the video (not what the store last said). */
  const say = (key: 'tv.player.playing' | 'tv.player.paused') => setSaid(t(key));

  useRemote(({ action, phase, repeat }) => {
    const c = controller;
    if (phase === 'up') {
      if (action === 'left' || action === 'right' || action === 'rewind' || action === 'fast-forward') scrubber.release();
      return false;
    }
    poke();
    if (!c) {
      if (action === 'back' || action === 'stop') goHome();
      return true;
    }
    const s = rt.player.getState();
    if (menuFocus && s.status === 'ready' && menuKey(action, repeat)) return true;
    if (s.status === 'ended' && action !== 'ok') stayAtEnd();
    if (s.status === 'ended' && (action === 'left' || action === 'right' || action === 'ok')) {
      // The end's choices: ◀ ▶ move, OK takes the focused one.
      const n = endChoices.length;
      if (action === 'ok') {
        if (!repeat) endChoices[Math.min(endFocus, n - 1)]?.run();
      } else setEndFocus((i) => Math.max(0, Math.min(n - 1, Math.min(i, n - 1) + (action === 'left' ? -1 : 1))));
      return true;
    }
    switch (action) {
      case 'back':
        if (scrubber.target() !== null) cancelScrub();
        else goHome();
        return true;
      case 'stop':
        cancelScrub();
        goHome();
        return true;
      case 'ok':
      case 'play-pause':
        if (repeat) return true;
        if (scrubber.target() !== null) commitScrub();
        else if (s.status === 'error') void c.retry();
        else if (s.status === 'ended') {
          c.play();
          say('tv.player.playing');
        } else if (!c.hasPlayed()) {
          // Until the viewing has started, OK means play: the OK that opened this screen is
          // often followed by a second quick one, which must not pause it at 0:00.
          c.play();
          say('tv.player.playing');
        } else if (s.status === 'ready') say(c.togglePlay() === 'play' ? 'tv.player.playing' : 'tv.player.paused');
        return true;
      case 'play':
        if (s.status !== 'error') {
          c.play();
          say('tv.player.playing');
        }
        return true;
      case 'pause':
        if (c.hasPlayed() && !s.paused) {
          c.pause();
          say('tv.player.paused');
        }
        return true;
      case 'left':
      case 'right':
      case 'rewind':
      case 'fast-forward': {
        if (s.status !== 'ready') return true;
        const direction = action === 'left' || action === 'rewind' ? -1 : 1;
        const min = s.live ? s.seekStart : 0;
        const max = s.live ? s.seekEnd : Math.max(0, s.duration - 0.5);
        const target = scrubber.press(direction, repeat, { position: s.position, min, max });
        if (target === null) return true;
        setScrubTarget(target);
        if (commitTimer.current) clearTimeout(commitTimer.current);
        commitTimer.current = setTimeout(commitScrub, SCRUB_COMMIT_MS);
        return true;
      }
      case 'down':
      case 'menu':
        // Open the audio / subtitle / speed menu (the transport bar shows too, by `poke`).
        if (s.status === 'ready' && scrubber.target() === null && menu.length > 0 && !repeat) {
          setMenuFocus(focusOn(menu, 0));
          setSaid(menu[0]?.title ?? '');
        }
        return true;
      case 'audio':
      case 'subtitles': {
        // The remote's Audio / Subtitle key: the menu, at that group (when the programme has it).
        const at = menu.findIndex((m) => m.id === action);
        if (s.status === 'ready' && scrubber.target() === null && at >= 0 && !repeat) {
          setMenuFocus(focusOn(menu, at));
          setSaid(menu[at]?.title ?? '');
        }
        return true;
      }
      case 'up':
        // Show the transport bar (done above by `poke`).
        return true;
      default:
        return assertNever(action, 'remote action');
    }
  });

  /** A key while the menu is open; true when the menu used it. */
  function menuKey(action: RemoteAction, repeat: boolean): boolean {
    const f = menuFocus;
    if (!f) return false;
    const section = menu[f.section];
    switch (action) {
      case 'up':
      case 'down': {
        const n = section?.items.length ?? 0;
        const item = Math.max(0, Math.min(n - 1, f.item + (action === 'up' ? -1 : 1)));
        setMenuFocus({ section: f.section, item });
        setSaid(section?.items[item]?.label ?? '');
        return true;
      }
      case 'left':
      case 'right': {
        const next = focusOn(menu, f.section + (action === 'left' ? -1 : 1));
        setMenuFocus(next);
        setSaid(menu[next.section]?.title ?? '');
        return true;
      }
      case 'ok': {
        const item = section?.items[f.item];
        if (!item || !section) return true;
        if (repeat) return true;
        if (section.id === 'play-on' && item.key === NO_TARGETS) return true;
        item.run();
        setSaid(saidOnChoice(section.id, item.label, t));
        // The viewing moves away: "Continued on …" takes the screen.
        if (section.id === 'play-on') setMenuFocus(null);
        return true;
      }
      case 'back':
      case 'menu':
        setMenuFocus(null);
        return true;
      default:
        // Play/pause, stop and the media keys keep their meaning under the menu.
        return false;
    }
  }

  return { scrubTarget, said, endFocus, menuFocus };
}
