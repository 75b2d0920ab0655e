process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = process.env.MARQUEE_TEST_DATABASE_URL;
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
process.env.JWT_SECRET = process.env.JWT_SECRET ?? 'test-secret-test-secret-test-secret-0123';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
process.env.REDIS_PREFIX = process.env.MARQUEE_TEST_REDIS_PREFIX;

import './quiet-tfjs';
