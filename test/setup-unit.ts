process.env.TZ = 'UTC';
import './support/quiet-tfjs';
