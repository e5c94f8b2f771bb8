/**
 * The screen stays on while a programme plays — on the PC and on a set-top box — and may sleep
 * when it is paused, stalled or nothing plays (home screen). Driven by the renderer's position
 * reports (`reportPlayback`: `paused: false` while the picture moves, null when the viewing
 * ended). One Electron `powerSaveBlocker` ('prevent-display-sleep') at most, released on quit.
 */

/** Electron's `powerSaveBlocker`, reduced to what is used. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number;
  stop(id: number): boolean;
  isStarted(id: number): boolean;
}

export class ScreenAwake {
  readonly #blocker: PowerSaveBlockerLike;
  #id: number | null = null;

  constructor(blocker: PowerSaveBlockerLike) {
    this.#blocker = blocker;
  }

  /** True while the display is kept on. */
  get active(): boolean {
    return this.#id !== null && this.#blocker.isStarted(this.#id);
  }

  /** Follow a position report: on while playing, off otherwise. */
  follow(position: { paused?: boolean } | null): void {
    this.set(position !== null && position.paused === false);
  }

  /** Keep the display on, or let it sleep. */
  set(on: boolean): void {
    if (on && this.#id === null) this.#id = this.#blocker.start('prevent-display-sleep');
    else if (!on && this.#id !== null) {
      this.#blocker.stop(this.#id);
      this.#id = null;
    }
  }
}
