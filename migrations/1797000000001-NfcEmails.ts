import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in addresses are stored in Unicode NFC from now on (normalizeEmail), and sign-in looks them up in NFC, so an
 * address stored in another form before (josé with a combining accent) is rewritten in NFC here, or its account could
 * no longer sign in. One whose NFC form another account already has is left as it is (an admin merges the two).
 */
export class NfcEmails1797000000001 implements MigrationInterface {
  name = 'NfcEmails1797000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE users u SET email = normalize(u.email, NFC)
       WHERE u.email IS NOT NFC NORMALIZED
         AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> u.id AND o.email = normalize(u.email, NFC))
    `);
  }

  async down(): Promise<void> {
    // The earlier spelling is not kept: an NFC address signs in as before, so there is nothing to undo.
  }
}
