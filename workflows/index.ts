// Entry point the worker bundles: every workflow type this service runs.
export { deliverWebhook } from './deliver-webhook';
export { routeVisitor } from './route-visitor';
