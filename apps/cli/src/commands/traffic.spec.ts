import { hiddenSuccessProbability, trafficCommand } from './traffic';

describe('marquee traffic: arguments', () => {
  let err: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    err = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  });
  afterEach(() => spy.mockRestore());

  it.each([
    [['--requests', '10'], /--api-key is required/],
    [['--api-key', 'k', '--requests', '0'], /--requests must be a whole number from 1 to 1000000; got "0"/],
    [['--api-key', 'k', '--success', 'SKIP'], /--success must be PLAY_START or COMPLETE/],
    [['--api-key', 'k', '--bogus', '1'], /Unknown option --bogus/],
  ])('refuses %j with a line that says what to pass, before any request', async (args, message) => {
    const prev = process.env.MARQUEE_API_KEY;
    delete process.env.MARQUEE_API_KEY;
    await expect(trafficCommand(args)).resolves.toBe(2);
    if (prev !== undefined) process.env.MARQUEE_API_KEY = prev;
    expect(err).toMatch(message);
  });
});

describe('marquee traffic: the hidden user model', () => {
  it('gives probabilities in (0, 1) that depend on the kind of user and the item', () => {
    const sleepy = hiddenSuccessProbability(0, { slug: 'deep-sleep', kind: 'sleep_story' }, 1);
    const focused = hiddenSuccessProbability(1, { slug: 'deep-sleep', kind: 'sleep_story' }, 1);
    expect(sleepy).toBeGreaterThan(0);
    expect(sleepy).toBeLessThan(1);
    expect(sleepy).toBeGreaterThan(focused);
    expect(hiddenSuccessProbability(0, { slug: 'a', kind: 'music' }, 1)).not.toBe(hiddenSuccessProbability(0, { slug: 'b', kind: 'music' }, 1));
  });
});
