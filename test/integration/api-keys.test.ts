// Local mode's generated keys: printed on the start that generates them, never again (a supervisor keeps every
// start's output, and the keys would end up in each of those logs).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../../runtime/ports';
import { spawnProjectProcess } from '../../scripts/project-process';

/** Runs an API process (api/main.ts) until it is ready, stops it, and returns everything it wrote to stdout. */
async function startAndStopApi(dataDir: string): Promise<string> {
  const api = spawnProjectProcess({
    role: 'api',
    port: await freePort(),
    // The keys must come from the data directory, whatever the shell running the tests has set.
    env: {
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: undefined,
      EXPERIENCE_API_KEY: undefined,
      DATABASE_URL: undefined,
    },
    stdout: 'pipe',
  });
  let stdout = '';
  api.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  try {
    // Ready once it answers: the keys are resolved before the server listens.
    await api.healthy().catch((error) => {
      throw new Error(`${error.message}:\n${stdout}`);
    });
  } finally {
    api.child.kill('SIGTERM');
  }
  assert.equal(await api.exited, 0);
  return stdout;
}

describe('generated API keys', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'routing-keys-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('are printed on the start that generates them, and only there', async () => {
    const first = await startAndStopApi(dataDir);
    const stored = JSON.parse(readFileSync(path.join(dataDir, 'api-keys.json'), 'utf8'));
    assert.ok(first.includes(`ADMIN_API_KEY=${stored.adminKey}`), 'the first start prints the admin key');
    assert.ok(first.includes(`EXPERIENCE_API_KEY=${stored.experienceKey}`), 'and the experience key');

    const second = await startAndStopApi(dataDir);
    assert.ok(second.includes('api-keys.json'), 'a later start says where the keys are');
    assert.ok(!second.includes(stored.adminKey), 'a later start does not print the admin key');
    assert.ok(!second.includes(stored.experienceKey), 'nor the experience key');
  });
});
