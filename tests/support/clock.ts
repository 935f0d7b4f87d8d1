// A clock for tests: Date (and so PGlite's now(), which reads it) starts at a chosen instant and
// ticks on at the real rate, with the real resolution. Only Date is replaced; timers are untouched.
const RealDate = globalThis.Date;

function shiftedDate(offsetMs: number): DateConstructor {
  const now = () => RealDate.now() + offsetMs;
  return new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    // Date() called without new answers the current time as text
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === "now" ? now : Reflect.get(target, property, receiver)),
  });
}

/** From now on, Date reads `instant` and ticks on from there. */
export function startClock(instant: Date) {
  globalThis.Date = shiftedDate(instant.getTime() - RealDate.now());
}

/** Runs `run` with the clock at `instant`; afterwards the clock in force before carries on as if untouched. */
export async function atInstant<T>(instant: string | Date, run: () => Promise<T>): Promise<T> {
  const before = globalThis.Date;
  startClock(new RealDate(instant));
  try {
    return await run();
  } finally {
    globalThis.Date = before;
  }
}
