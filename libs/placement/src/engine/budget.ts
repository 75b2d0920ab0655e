// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { floor, max, min } = Math;
/** Exploration settings of one surface. */
export interface BudgetSettings {
  /** Share of served slots that tests and the random floor may use together (default 0.10). */
  budget: number;
  /** Share of served slots for the uniform-random floor (default 0.02). */
  floor: number;
}

/** Served and exploration slots of one surface in one clock hour. */
export interface BudgetWindow {
  hourStart: number;
  servedSlots: number;
  testSlots: number;
  floorSlots: number;
}

/** Serialisable state of the pacing controller for one surface. */
export interface PacingState {
  current: BudgetWindow;
  /** The previous hour, kept for reporting and as a traffic forecast early in the hour. */
  previous: BudgetWindow | null;
}

const HOUR_MS = 3_600_000;
// Deficits are paid back over the next few minutes of traffic, far longer than the ~10 s it takes for state
// to reach every API process, so the feedback loop stays stable.
const CORRECTION_HORIZON_MS = 5 * 60_000;

function hourOf(t: number): number {
  return floor(t / HOUR_MS) * HOUR_MS;
}

export function newPacingState(now: number): PacingState {
  return { current: { hourStart: hourOf(now), servedSlots: 0, testSlots: 0, floorSlots: 0 }, previous: null };
}

function roll(state: PacingState, now: number): PacingState {
  const h = hourOf(now);
  if (h === state.current.hourStart) return state;
  const previous = h - HOUR_MS === state.current.hourStart ? state.current : null;
  return { current: { hourStart: h, servedSlots: 0, testSlots: 0, floorSlots: 0 }, previous };
}

/** Records one served slate's slot counts; returns the new state. */
export function recordServed(state: PacingState, slots: { served: number; test: number; floor: number }, now: number): PacingState {
  const s = roll(state, now);
  return {
    previous: s.previous,
    current: {
      hourStart: s.current.hourStart,
      servedSlots: s.current.servedSlots + slots.served,
      testSlots: s.current.testSlots + slots.test,
      floorSlots: s.current.floorSlots + slots.floor,
    },
  };
}

/** Exploration share of a window (tests + floor over served slots), or null for an empty window. */
export function windowShare(w: BudgetWindow): number | null {
  return w.servedSlots > 0 ? (w.testSlots + w.floorSlots) / w.servedSlots : null;
}

/**
 * The test share to ask the slate builder for now: budget − floor, plus the hour's deficit spread over the slots
 * expected in the next few minutes. Zero when no test has remaining quota. Slot types are random, so the hour's
 * realised share wanders; this integral feedback pulls it back to the budget before the hour ends.
 */
export function testShareFor(state: PacingState, settings: BudgetSettings, now: number, activeTests: number): number {
  if (activeTests <= 0) return 0;
  const base = max(0, settings.budget - settings.floor);
  const s = roll(state, now);
  const w = s.current;
  const elapsed = max(60_000, now - w.hourStart);
  const remaining = max(60_000, w.hourStart + HOUR_MS - now);
  let rate = w.servedSlots / elapsed;
  if (w.servedSlots < 200 && s.previous && s.previous.servedSlots > 0) rate = s.previous.servedSlots / HOUR_MS;
  const upcoming = max(1, rate * min(CORRECTION_HORIZON_MS, remaining));
  const deficit = settings.budget * w.servedSlots - (w.testSlots + w.floorSlots);
  return min(2 * settings.budget, max(0, base + deficit / upcoming));
}
