// Entry point the worker bundles: every workflow type this service runs.
export { routeVisitor } from './route-visitor';
