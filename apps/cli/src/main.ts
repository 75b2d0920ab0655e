import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '@marquee/platform-config';
import { adminCommand } from './commands/admin';
import { importCommand } from './commands/import';
import { opeCommand } from './commands/ope';
import { trainCommand } from './commands/train';
import { trafficCommand } from './commands/traffic';
import { migrate, revertLast } from './commands/migrate';
import { startCommand } from './commands/start';

const HELP = `Marquee command line

  npm start                                  run everything (embedded PostgreSQL unless DATABASE_URL is set)
  npm run marquee -- import <file>           import items from CSV or JSON Lines, with a progress bar
  npm run marquee -- ope --obd <log.csv> --items <item_context.csv> --policy <uniform|logged|marquee|bayes-ts> --out <dir>
                                             offline policy evaluation on Open Bandit Dataset logs
  npm run train -- [--synthetic N | --rows <file.jsonl>] --out <model.json>
                                             train the TensorFlow.js reward model, with a progress bar
  npm run marquee -- traffic --api-key <key>  synthetic app users through the client API (feeds and events), so a demo
                                             install's engine, content tests and dashboards have data; --help for options
  npm run marquee -- admin create --email <e> [--password <p>] [--name <n>]
                                             create an admin account (one transaction; a temporary password without --password)
  npm run marquee -- migrate                 apply pending migrations to DATABASE_URL
  npm run marquee -- migrate:revert          revert the last migration on DATABASE_URL
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfigOrExit();
  const needDb = () => {
    // With `npm start` on the embedded defaults, commands find that database by themselves.
    if (!config.databaseUrl && existsSync(resolve(config.dataDir, 'postgres', 'PG_VERSION'))) {
      config.databaseUrl = `postgres://postgres:postgres@127.0.0.1:${config.embeddedPostgresPort}/marquee`;
    }
    if (!config.databaseUrl) {
      process.stderr.write(
        'Set DATABASE_URL for this command (with `npm start` running on the embedded database, it is postgres://postgres:postgres@127.0.0.1:54329/marquee).\n',
      );
      process.exit(78);
    }
    return config.databaseUrl;
  };
  switch (command) {
    case 'start':
      return startCommand(config);
    case 'import':
      needDb();
      return importCommand(config, args[0]);
    case 'ope':
      return opeCommand(args);
    case 'train':
      return trainCommand(args);
    case 'traffic':
      return trafficCommand(args);
    case 'admin':
      needDb();
      return adminCommand(config, args);
    case 'migrate': {
      const applied = await migrate(needDb());
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply; the schema is up to date.\n');
      return 0;
    }
    case 'migrate:revert':
      await revertLast(needDb());
      process.stdout.write('Reverted the last migration.\n');
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`marquee: ${e?.message ?? e}\n`);
    process.exit(1);
  },
);
