import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { AppConfig } from '@marquee/platform-config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/** Nest's own logger, in JSON lines for production (one object per line) or readable for a terminal. */
export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, prefix: string): ConsoleLogger {
  return new ConsoleLogger({
    prefix,
    json: config.logFormat === 'json',
    colors: config.logFormat !== 'json' && process.stdout.isTTY === true,
    logLevels: LEVELS[config.logLevel],
  });
}
