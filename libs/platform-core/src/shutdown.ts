/** What a process stops: a Nest application or application context (anything with close()). */
interface Closable {
  close(): Promise<void>;
}

interface ShutdownLogger {
  log(message: string): void;
  error(message: string): void;
}

/**
 * On SIGTERM or SIGINT, close the application once: it stops taking work and finishes what is in flight, then the
 * process exits 0. If that takes longer than `timeoutMs`, or closing fails, it exits 1. The API and the worker say
 * what "in flight" means for them and what happens to work cut off (`draining`, `cutOff`).
 */
export function stopOnSignals(app: Closable, logger: ShutdownLogger, timeoutMs: number, words: { draining: string; cutOff: string }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: ${words.draining} (at most ${timeoutMs} ms).`);
    const force = setTimeout(() => {
      logger.error(`Still stopping after ${timeoutMs} ms; exiting now. ${words.cutOff}`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    try {
      await app.close();
      logger.log('Stopped cleanly.');
      process.exit(0);
    } catch (e) {
      logger.error(`Error while stopping: ${(e as Error).message}. Check the lines above for what failed to close.`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
