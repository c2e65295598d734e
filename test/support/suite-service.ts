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

/** Call at the top of a describe block, before its own hooks, so they see the service already started. */
export function useTestService(options?: Parameters<typeof startTestService>[0]): SuiteService {
  const suite = {} as { service: TestService; admin: HttpClient };
  before(async () => {
    suite.service = await startTestService(options);
    suite.admin = new HttpClient(suite.service.baseUrl, suite.service.keys.adminKey);
  });
  after(() => suite.service?.stop());
  return suite;
}
