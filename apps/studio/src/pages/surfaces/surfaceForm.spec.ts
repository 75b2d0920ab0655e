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
    expect(validateForm({ ...f, testMaxPosition: '100' }).testMaxPosition).toBeUndefined();
  });

  it('says where tests sit, capped by the slots', () => {
    expect(testPositionsText(5, 10)).toBe('at positions 2–5 (never position 1)');
    expect(testPositionsText(5, 3)).toBe('at positions 2–3 (never position 1)');
    expect(testPositionsText(2, 10)).toBe('at position 2 only (never position 1)');
    expect(testPositionsText(5, 1)).toBe('but a one-slot surface has no place for them (never position 1)');
  });
});
