// The embedded database's thread (embedded-postgres.ts starts it): TypeScript through tsx, as
// bin/frontdoor.js runs the engine itself.
import { register } from 'tsx/esm/api';

register();
await import('./embedded-postgres-thread.ts');
