// Local mode's generated keys: printed on the start that generates them, never again (a supervisor keeps every
// start's output, and the keys would end up in each of those logs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../../runtime/ports';
import { HttpClient } from '../support/http';

const root = path.resolve(__dirname, '..', '..');

/** Runs an API process (api/main.ts) until it answers on /v1, stops it, and returns everything it wrote to stdout. */
async function startAndStopApi(dataDir: string): Promise<string> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    LOG_LEVEL: 'info',
  };
  // The keys must come from the data directory, whatever the shell running the tests has set.
  delete env.ADMIN_API_KEY;
  delete env.EXPERIENCE_API_KEY;
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    // Ready once it answers: the keys are resolved before the server listens.
    for (;;) {
      if (child.exitCode !== null) throw new Error(`api process exited with ${child.exitCode}:\n${stdout}`);
      const answer = await new HttpClient(`http://127.0.0.1:${port}`).get('/v1/users').catch(() => undefined);
      if (answer?.status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
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
