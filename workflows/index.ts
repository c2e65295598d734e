// Entry point the worker bundles: every workflow type this service runs.
export { deleteConnection } from './delete-connection';
export { deliverWebhook } from './deliver-webhook';
export { endIdleConversation } from './end-idle-conversation';
export { purgeExpiredData } from './purge-expired-data';
export { routeVisitor } from './route-visitor';
export { sweepConsolePresence } from './sweep-console-presence';
export { syncConnection } from './sync-connection';
export { whatIfReplay } from './what-if-replay';
