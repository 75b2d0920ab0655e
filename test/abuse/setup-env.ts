process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
process.env.JWT_SECRET = process.env.JWT_SECRET ?? 'abuse-secret-abuse-secret-abuse-secret-0123';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';

import '../support/quiet-tfjs';
