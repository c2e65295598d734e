// GET /livez and GET /readyz on the API (public, like /healthz, which keeps its meaning: 200 once it can route).
import { Router } from 'express';
import { type Check, liveness, probeReadiness } from '../../runtime/readiness';

export function healthRouter(options: {
  /** The API's dependencies, by name: `database` and `temporal`. */
  checks: Record<string, Check>;
  /** True once shutdown has begun: a draining process is not ready, so load balancers stop sending to it. */
  isDraining?: () => boolean;
}): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.status(liveness.status).json(liveness.body);
  });
  router.get('/readyz', async (_req, res) => {
    if (options.isDraining?.()) {
      res.status(503).json({ error: { code: 'shutting_down', message: 'not ready: shutting down' } });
      return;
    }
    const readiness = await probeReadiness(options.checks);
    res.status(readiness.status).set(readiness.headers).json(readiness.body);
  });
  return router;
}
