import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccountsService } from '@marquee/accounts';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { AppConfig } from '@marquee/platform-config';
import { DomainError } from '@marquee/platform-core';
import { CliModule } from '../cli.module';

const ADMIN_HELP = `npm run marquee -- admin create --email <email> [--password <at least 12 characters>] [--name <display name>]

Creates an admin account in DATABASE_URL's workspace, in one transaction (nothing is written when it fails).
Without --password a temporary password is generated and printed once. MARQUEE_ADMIN_PASSWORD is read when
--password is absent, so the password need not appear in the shell history.
`;

/** Parses `admin create` arguments; returns the problems instead of throwing, so the caller prints them all. */
function parseAdminArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { email: string; password: string | null; name: string } | { problems: string[] } {
  const [sub, ...rest] = args;
  const problems: string[] = [];
  if (sub !== 'create')
    return { problems: [`unknown admin command "${sub ?? ''}"; the only admin command is "admin create" (npm run marquee -- admin create --email <email>)`] };
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const m = /^--(email|password|name)(?:=(.*))?$/.exec(a);
    if (!m) {
      problems.push(`unknown option "${a}"`);
      continue;
    }
    const v = m[2] ?? rest[++i];
    if (v === undefined || v.startsWith('--')) problems.push(`--${m[1]} needs a value`);
    else opts[m[1]] = v;
  }
  if (!opts.email) problems.push('--email is required');
  if (problems.length) return { problems };
  return { email: opts.email, password: opts.password ?? env.MARQUEE_ADMIN_PASSWORD ?? null, name: opts.name ?? 'Admin' };
}

export async function adminCommand(config: AppConfig, args: string[]): Promise<number> {
  if (args[0] === '--help' || args.length === 0) {
    process.stdout.write(ADMIN_HELP);
    return args.length === 0 ? 2 : 0;
  }
  const parsed = parseAdminArgs(args);
  if ('problems' in parsed) {
    process.stderr.write(`marquee admin: ${parsed.problems.join('; ')}.\n\n${ADMIN_HELP}`);
    return 2;
  }
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const r = await ctx
      .get(AccountsService)
      .createUser(SYSTEM_ACTOR('cli'), { email: parsed.email, displayName: parsed.name, role: 'admin', password: parsed.password });
    process.stdout.write(
      `Created admin ${r.user.email}.${r.temporaryPassword ? ` Temporary password (shown once; keep it): ${r.temporaryPassword}` : ' Sign in with the password you gave.'}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      process.stderr.write(`marquee admin: ${e.message} (${e.code}; nothing was written)\n`);
      return e.code === 'CONFLICT' ? 3 : 2;
    }
    throw e;
  } finally {
    await ctx.close();
  }
}

/**
 * With MARQUEE_SEED_DEMO=false, the first start on an empty database still needs someone to sign in: when
 * MARQUEE_ADMIN_EMAIL and MARQUEE_ADMIN_PASSWORD are both set, that admin is created (and nothing else).
 */
export async function ensureConfiguredAdmin(config: AppConfig): Promise<string | null> {
  if (!config.adminEmail || !config.adminPassword) return null;
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const accounts = ctx.get(AccountsService);
    const db = ctx.get(DataSource);
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727272)');
      const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM users');
      if (n > 0) return null;
      const r = await accounts.createUser(
        SYSTEM_ACTOR('setup'),
        { email: config.adminEmail!, displayName: 'Admin', role: 'admin', password: config.adminPassword },
        tx,
      );
      return r.user.email;
    });
  } finally {
    await ctx.close();
  }
}
