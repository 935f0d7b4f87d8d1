// `TEST_NOW=2026-12-06T17:30:00Z npm test` runs the suite as if it were that instant (00:30 WIB):
// the clock starts there and ticks on. Only Date is replaced, so timers run as usual, and PGlite's
// now() reads the same clock. CI runs the whole suite at 23:30, 00:30 and 06:59 WIB this way (.ci/run).
import { startClock } from "../support/clock.ts";

const at = process.env.TEST_NOW;
if (at) {
  const now = new Date(at);
  if (Number.isNaN(now.getTime())) throw new Error(`TEST_NOW is not an instant: ${at} (try 2026-12-06T17:30:00Z)`);
  startClock(now);
}
