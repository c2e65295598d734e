// A shortened soak (scripts/soak.ts) on the at-scale layout: its own local cluster and PostgreSQL, two API and two
// worker processes, and a fault every few seconds in turn: a worker SIGKILLed, a cluster service struck (history
// SIGKILLed, matching or frontend restarted), an API stopped. Runs in the suite's cluster pass.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const serverDir = process.env.TEST_TEMPORAL_SERVER_DIR;
const root = path.resolve(__dirname, '..', '..');

test('soak on a cluster: every routing connects once through restarts of every part', {
  skip: !serverDir && 'runs in the cluster pass',
  timeout: 600_000,
}, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/soak.ts'], {
    cwd: root,
    env: {
      ...process.env,
      SOAK_TEMPORAL: 'cluster',
      TEMPORAL_SERVER_DIR: serverDir,
      SOAK_ROUTINGS: '300',
      SOAK_RATE: '5',
      SOAK_RESTART_EVERY: '5',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const report = JSON.parse(output.slice(output.indexOf('{')));
  assert.equal(code, 0, output);
  assert.equal(report.connected, 300);
  assert.deepEqual(
    { lost: report.lost, doubleAssigned: report.doubleAssigned, missingConversation: report.missingConversation },
    { lost: 0, doubleAssigned: 0, missingConversation: 0 },
  );
  assert.equal(report.offersLeftPending, 0);
  assert.ok(report.restarts >= 3, `a worker, Temporal and an API each struck (${report.restarts} restarts)`);
  console.log(output.trim());
});
