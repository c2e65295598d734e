// Test entry point: one real Temporal dev server and one workflow bundle for the whole suite, then node's runner.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDevServer } from '../embedded/temporal-dev-server';
import { bundleRoutingWorkflows } from '../worker/create-worker';
import { freePort } from './support/ports';

const root = path.resolve(__dirname, '..');
const artifacts = path.join(root, '.test-artifacts');

/** Test files to run: the arguments if given, else every *.test.ts under test/unit and test/integration. */
function testFiles(): string[] {
  const given = process.argv.slice(2);
  if (given.length > 0) return given;
  return ['unit', 'integration'].flatMap((dir) =>
    readdirSync(path.join(root, 'test', dir))
      .filter((name) => name.endsWith('.test.ts'))
      .sort()
      .map((name) => path.join('test', dir, name)),
  );
}

async function main(): Promise<number> {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run the suite with `npm test`');
  mkdirSync(artifacts, { recursive: true });

  const [server, bundle] = await Promise.all([
    freePort().then((port) => startDevServer({ cliPath, port })),
    bundleRoutingWorkflows(console),
  ]);
  const bundlePath = path.join(artifacts, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  try {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...testFiles()],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, TEST_TEMPORAL_ADDRESS: server.address, TEST_WORKFLOW_BUNDLE: bundlePath },
      },
    );
    return result.status ?? 1;
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
