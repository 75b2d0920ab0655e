import { NotFoundError, uniqueViolation } from './errors';

describe('NotFoundError', () => {
  it('names what was looked up and how, so the message matches what the caller typed', () => {
    const e = new NotFoundError('surface', 'home', '', 'key');
    expect(e.message).toBe('No surface with key "home" exists. Check the key, or list them to find the right one.');
    expect(e.details).toMatchObject({ entity: 'surface', id: 'home', identifiedBy: 'key' });
  });

  it('echoes at most 120 characters of a value the client chose, and says how long it was', () => {
    const e = new NotFoundError('surface', 'a'.repeat(5000), '', 'key');
    expect(e.message.length).toBeLessThan(250);
    expect(e.message).toContain(`"${'a'.repeat(120)}… (5000 characters)"`);
    expect(String(e.details.id).length).toBeLessThan(150);
  });
});

describe('uniqueViolation', () => {
  it('names the unique constraint of a 23505 driver error, and nothing else', () => {
    expect(uniqueViolation({ driverError: { code: '23505', constraint: 'uq_surfaces_key' } })).toBe('uq_surfaces_key');
    expect(uniqueViolation({ driverError: { code: '23514', constraint: 'ck_surfaces_budget' } })).toBeNull();
    expect(uniqueViolation(new Error('boom'))).toBeNull();
    expect(uniqueViolation(null)).toBeNull();
  });
});
