import { ConsoleLogger, ConsoleLoggerOptions, LogLevel } from '@nestjs/common';
import type { AppConfig } from '@marquee/platform-config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

// Nest announces every module and route at start-up; useful when debugging wiring, noise otherwise.
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'GraphQLModule', 'NestApplication']);

class MarqueeLogger extends ConsoleLogger {
  constructor(
    private readonly quietBoot: boolean,
    options: ConsoleLoggerOptions,
  ) {
    super(options);
  }
  override log(message: unknown, context?: string): void;
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (this.quietBoot && typeof context === 'string' && BOOT_CONTEXTS.has(context)) return;
    super.log(message, ...(rest as [string]));
  }
}

/** Nest's own logger, in JSON lines for production (one object per line) or readable for a terminal. */
export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, prefix: string): ConsoleLogger {
  return new MarqueeLogger(config.logLevel !== 'debug', {
    prefix,
    json: config.logFormat === 'json',
    colors: config.logFormat !== 'json' && process.stdout.isTTY === true,
    logLevels: LEVELS[config.logLevel],
  });
}
