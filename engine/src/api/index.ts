/**
 * The HTTP API, for main.ts:
 *
 *   const app = createApi({ store, telephonyStatus, activeCalls, ... });
 *   const server = http.createServer(app);            // or app.listen(...)
 *   const testCalls = attachTestCallSocket(server, { store, engineInstanceId, ... });
 *   ...
 *   await testCalls.close();                          // on shutdown, before closing the store
 */
export { createApi, apiRoutes, JSON_BODY_LIMIT, AUDIO_BODY_LIMIT } from './create-api.js';
export type { ApiDeps, TelephonyStatus, ApiLogger } from './context.js';
export { attachTestCallSocket, TEST_CALL_PATH, type TestCallServerMessage } from './test-call-socket.js';
