/**
 * The platform owns time. The host replaces the process `Date` with one that reads
 * `real time + offset`, so advancing the virtual clock moves every `Date.now()` and `new Date()`
 * in the app and in the SDKs forward at once, and whatever became due (queued events, retries,
 * scheduled triggers) fires. Timers (`setTimeout`) keep real time: the host's own schedulers
 * re-check due work whenever the clock moves.
 */
export interface VirtualClock {
  now(): number;
  /** Moves time forward by `ms` (>= 0) and notifies listeners so due work runs. */
  advance(ms: number): Promise<void>;
  offsetMs(): number;
  onAdvance(listener: () => Promise<void> | void): () => void;
  /** Restores the real `Date` (tests). */
  uninstall(): void;
}

const RealDate = Date;
let installed: VirtualClockImpl | undefined;

class VirtualClockImpl implements VirtualClock {
  private offset = 0;
  private readonly listeners = new Set<() => Promise<void> | void>();

  constructor(initialOffsetMs: number) {
    this.offset = initialOffsetMs;
  }

  now(): number {
    return RealDate.now() + this.offset;
  }

  offsetMs(): number {
    return this.offset;
  }

  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance: expected a non-negative number of ms, got ${ms}`);
    this.offset += ms;
    for (const listener of [...this.listeners]) await listener();
  }

  onAdvance(listener: () => Promise<void> | void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  uninstall(): void {
    if (installed === this) {
      globalThis.Date = RealDate;
      installed = undefined;
    }
  }
}

function makeShiftedDate(clock: VirtualClockImpl): DateConstructor {
  // A subclass keeps `instanceof Date`, parsing and every method; only "now" is shifted.
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return clock.now();
    }
  }
  // Calling Date() without `new` returns a string of now.
  const callable = new Proxy(ShiftedDate, {
    apply: () => new RealDate(clock.now()).toString(),
  });
  return callable as unknown as DateConstructor;
}

/** Installs (once per process) the virtual clock into `globalThis.Date`. */
export function installVirtualClock(initialOffsetMs = 0): VirtualClock {
  if (installed) return installed;
  const clock = new VirtualClockImpl(initialOffsetMs);
  globalThis.Date = makeShiftedDate(clock);
  installed = clock;
  return clock;
}

export function realNow(): number {
  return RealDate.now();
}
