/**
 * Which terminal type this browser most likely is, for the naming screen's proposal. A phone
 * registered as a PC gets the PC catalogue, so the signals are combined rather than trusting one:
 * UA client hints (`navigator.userAgentData.mobile`, Chromium), the user agent's mobile tokens,
 * and the hardware: a coarse primary pointer with touch on a phone-sized screen.
 * A tablet (touch, large screen, no "Mobile" token) stays a computer: it browses like one.
 */
import type { TerminalType } from '../../../common/protocol/model.ts';

/** What the browser tells about itself (injected, so the rule is testable without a browser). */
export interface DeviceSignals {
  /** `navigator.userAgent`. */
  userAgent: string;
  /** `navigator.userAgentData?.mobile` (UA client hints); undefined where unsupported (Safari, Firefox). */
  uaMobile?: boolean | undefined;
  /** `navigator.maxTouchPoints`. */
  maxTouchPoints: number;
  /** `matchMedia('(pointer: coarse)').matches`: the primary pointer is a finger. */
  coarsePointer: boolean;
  /** The shorter side of the screen in CSS pixels. */
  screenShortSide: number;
}

/** Phones are narrower than this on their short side (CSS px); small tablets start around 600. */
const PHONE_SHORT_SIDE = 600;

/** User-agent tokens of phones (iPhone, Android phones, Windows/other "Mobile" browsers). */
const MOBILE_UA = /\b(iPhone|iPod|Android.+Mobile|Mobile Safari|IEMobile|Windows Phone|Opera Mini|Mobile)\b/i;

/** The proposed terminal type for these signals: `mobile` for a phone, else `pc`. */
export function proposeTerminalType(s: DeviceSignals): TerminalType {
  const touchPhone = s.maxTouchPoints > 0 && s.coarsePointer && s.screenShortSide > 0 && s.screenShortSide < PHONE_SHORT_SIDE;
  // Any one signal of a phone is enough: client hints (Chromium), the UA's mobile tokens (Safari,
  // Firefox), or a phone-sized touch screen (an iPhone asking for the desktop site keeps it).
  return s.uaMobile === true || MOBILE_UA.test(s.userAgent) || touchPhone ? 'mobile' : 'pc';
}

/** The signals of the running browser. */
export function browserSignals(win: Window = window): DeviceSignals {
  const nav = win.navigator as Navigator & { userAgentData?: { mobile?: boolean } };
  const screen = win.screen;
  return {
    userAgent: nav.userAgent ?? '',
    uaMobile: nav.userAgentData?.mobile,
    maxTouchPoints: nav.maxTouchPoints ?? 0,
    coarsePointer: typeof win.matchMedia === 'function' && win.matchMedia('(pointer: coarse)').matches,
    screenShortSide: screen ? Math.min(screen.width, screen.height) : 0,
  };
}
