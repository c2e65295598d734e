// The start of most integration test files: a test service for the enclosing describe block, started before its
// tests and stopped after them, and an HttpClient holding the admin key.
import { after, before } from 'node:test';
import { HttpClient } from './http';
import { startTestService, type TestService } from './service';

export interface SuiteService {
  /** Set once the block's first `before` hook has run: read it inside hooks and tests, not at declaration. */
  readonly service: TestService;
  readonly admin: HttpClient;
}

/**
 * Call at the top of a describe block, before its own hooks, so they see the service already started. Its `after`
 * hook runs before the block's own (node:test runs them in order): what must still reach the service goes in
 * `cleanUp`, which runs before the service stops.
 */
export function useTestService(
  options: Parameters<typeof startTestService>[0] & { cleanUp?: (suite: SuiteService) => Promise<void> } = {},
): SuiteService {
  const { cleanUp, ...serviceOptions } = options;
  const suite = {} as { service: TestService; admin: HttpClient };
  before(async () => {
    suite.service = await startTestService(serviceOptions);
    suite.admin = new HttpClient(suite.service.baseUrl, suite.service.keys.adminKey);
  });
  after(async () => {
    if (!suite.service) return;
    try {
      await cleanUp?.(suite);
    } finally {
      await suite.service.stop();
    }
  });
  return suite;
}
