/**
 * The process that owns `npm start`'s embedded PostgreSQL (see startDetachedEmbeddedPostgres). It runs in a process
 * group of its own, so a Ctrl+C in the terminal, which signals the whole foreground group, does not reach PostgreSQL:
 * the API and the worker finish their requests and jobs on a database that is still there, and `npm start` stops
 * PostgreSQL last. It stops PostgreSQL when asked, and also when `npm start` is gone (its IPC channel closes), so a
 * killed `npm start` leaves no server behind.
 *
 * Messages from the parent: { stop: true }. To the parent: { log }, { ready: url }, { failed: message }, { stopped }.
 */
import { startEmbeddedPostgres } from './embedded';

type ToParent = { log: string } | { ready: string } | { failed: string } | { stopped: true };

const send = (m: ToParent): void => {
  if (process.connected) process.send?.(m);
};

async function main(): Promise<void> {
  const [dataDir, portText] = process.argv.slice(2);
  // Signals reach this group only when sent to it on purpose: stop PostgreSQL then too, never leave it running.
  let stopping: Promise<void> | null = null;
  let stopPg: (() => Promise<void>) | null = null;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      await stopPg?.().catch(() => undefined);
      send({ stopped: true });
      process.exit(code);
    })());
  process.on('disconnect', () => void stop(0));
  process.on('message', (m: { stop?: boolean }) => {
    if (m?.stop) void stop(0);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(0));
  try {
    const pg = await startEmbeddedPostgres(dataDir, Number(portText), (line) => send({ log: line }));
    stopPg = () => pg.stop();
    if (stopping || !process.connected) return void stop(0);
    send({ ready: pg.url });
  } catch (e) {
    send({ failed: (e as Error).message });
    process.exit(1);
  }
}

void main();
