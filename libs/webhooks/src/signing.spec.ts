import { signPayload, verifySignature } from './signing';

describe('webhook signatures', () => {
  it('match a hand-computed HMAC-SHA256 over "timestamp.body"', () => {
    // The same value as: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signPayload('whsec_test', 1700000000, '{"a":1}')).toBe('v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
  });

  it('verify, and refuse a changed body, a wrong secret or an old timestamp', () => {
    const sig = signPayload('s3cret', 1700000000, 'body');
    expect(verifySignature('s3cret', 1700000000, 'body', sig, 1700000010)).toBe(true);
    expect(verifySignature('s3cret', 1700000000, 'body!', sig, 1700000010)).toBe(false);
    expect(verifySignature('other', 1700000000, 'body', sig, 1700000010)).toBe(false);
    expect(verifySignature('s3cret', 1700000000, 'body', sig, 1700000000 + 3600)).toBe(false);
  });
});
