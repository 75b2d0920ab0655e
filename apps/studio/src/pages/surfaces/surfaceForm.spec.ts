import type { Surface } from '../../api/types';
import { formFromSurface, formToInput, testPositionsText, validateForm } from './surfaceForm';

const surface = {
  id: 's1',
  key: 'home',
  name: 'Home',
  description: null,
  slots: 10,
  candidateRule: { kinds: [], topics: [], collections: [] },
  successEvent: 'PLAY_START',
  explorationBudget: 0.1,
  randomFloor: 0.02,
  testQuota: null,
  testMaxDays: 14,
  testMaxPosition: 5,
  diversity: { maxPerKind: null, maxPerTopic: null, firstN: 5 },
  fallbackOrder: [],
  enabled: true,
  updatedAt: '2026-12-07T00:00:00.000Z',
  pins: [],
} as unknown as Surface;

describe('the surface form: test positions', () => {
  it('round-trips the last test position to the API input', () => {
    const f = formFromSurface(surface);
    expect(f.testMaxPosition).toBe('5');
    expect(validateForm(f)).toEqual({});
    expect(formToInput({ ...f, testMaxPosition: ' 3 ' }).testMaxPosition).toBe(3);
  });

  it('refuses what the API refuses, under the API field name', () => {
    const f = formFromSurface(surface);
    for (const bad of ['1', '0', '101', '2.5', '', 'five'])
      expect(validateForm({ ...f, testMaxPosition: bad }).testMaxPosition).toBe('A position from 2 to 100: position 1 never holds a test.');
    expect(validateForm({ ...f, testMaxPosition: '2' }).testMaxPosition).toBeUndefined();
    expect(validateForm({ ...f, slots: '100', testMaxPosition: '100' }).testMaxPosition).toBeUndefined();
  });

  it('refuses a last test position past the slots, as the API does, before anything is sent', () => {
    const f = formFromSurface(surface);
    const past = "At most 10, the surface's slots: tests go to positions 2 to this one, so it can't be past the last slot.";
    expect(validateForm({ ...f, testMaxPosition: '11' }).testMaxPosition).toBe(past);
    expect(validateForm({ ...f, testMaxPosition: '10' }).testMaxPosition).toBeUndefined();
    // Fewer slots with the old last position: the last position is what to change.
    expect(validateForm({ ...f, slots: '3' }).testMaxPosition).toBe(past.replace('10', '3'));
    expect(validateForm({ ...f, slots: '3', testMaxPosition: '3' })).toEqual({});
    // A one-slot surface holds no test; 2 is still its lowest setting, as the API says.
    expect(validateForm({ ...f, slots: '1', testMaxPosition: '2' })).toEqual({});
    // Slots that are not valid themselves are the one problem named.
    expect(validateForm({ ...f, slots: '0' })).toEqual({ slots: 'A whole number from 1 to 100.' });
  });

  it('says where tests sit, capped by the slots', () => {
    expect(testPositionsText(5, 10)).toBe('at positions 2–5 (never position 1)');
    expect(testPositionsText(5, 3)).toBe('at positions 2–3 (never position 1)');
    expect(testPositionsText(2, 10)).toBe('at position 2 only (never position 1)');
    expect(testPositionsText(5, 1)).toBe('but a one-slot surface has no place for them (never position 1)');
  });
});
