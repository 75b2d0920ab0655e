import { domainToASCII, domainToUnicode } from 'node:url';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** normalizeEmail (libs/platform-auth) as of this migration, copied so that later changes to it do not change this. */
function canonical(raw: string): string {
  const email = raw.trim().toLowerCase().normalize('NFC');
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const ascii = domainToASCII(email.slice(at + 1));
  return ascii ? `${email.slice(0, at + 1)}${domainToUnicode(ascii).normalize('NFC')}` : email;
}

/**
 * Sign-in addresses are stored in one spelling from now on (normalizeEmail: NFC, and the domain in its Unicode form as
 * IDNA maps it), and sign-in looks them up in that spelling, so an address stored in another (josé with a combining
 * accent, a punycode xn-- domain) is rewritten here, or its account could no longer sign in. One whose canonical
 * spelling another account already has is left as it is (an admin merges the two).
 */
export class NfcEmails1797000000001 implements MigrationInterface {
  name = 'NfcEmails1797000000001';

  async up(q: QueryRunner): Promise<void> {
    const users: { id: string; email: string }[] = await q.query(`SELECT id, email FROM users ORDER BY created_at, id`);
    const taken = new Set(users.map((u) => u.email));
    for (const u of users) {
      const email = canonical(u.email);
      if (email === u.email || taken.has(email)) continue;
      await q.query(`UPDATE users SET email = $2 WHERE id = $1`, [u.id, email]);
      taken.delete(u.email);
      taken.add(email);
    }
  }

  async down(): Promise<void> {
    // The earlier spelling is not kept: the canonical one signs in as before, so there is nothing to undo.
  }
}
