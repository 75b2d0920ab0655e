// Creates the demo workspace (admin, client key, 30 items, surfaces `home` and `sleep`, a scheduled release) in the
// database at DATABASE_URL, with the compiled CLI's own code: the same workspace `npm start` makes on a first start.
// Prints the credentials as one JSON line. Run by test/abuse/stack.ts; needs `npm run build:server`.
const { resolve } = require('node:path');
require('reflect-metadata');
const dist = (p) => resolve(__dirname, '../../dist', p);
const { NestFactory } = require('@nestjs/core');
const { loadConfig } = require(dist('libs/platform-config/src'));
const { CliModule } = require(dist('apps/cli/src/cli.module'));
const { DemoWorkspace } = require(dist('apps/cli/src/demo-workspace'));

async function main() {
  const config = loadConfig(process.env);
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const demo = await ctx.get(DemoWorkspace).create();
    process.stdout.write(`DEMO ${JSON.stringify(demo)}\n`);
  } finally {
    await ctx.close();
  }
}
main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`The demo workspace could not be created: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
