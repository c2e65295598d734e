// An outside fuzzer agrees with the contract: Schemathesis (pinned and installed by scripts/schemathesis.sh) reads
// GET /openapi.json from the real service and runs every check it has (server errors, status codes, headers and
// bodies against the document, schema-valid requests accepted and invalid ones refused, 405 and `Allow` for
// undeclared methods, authentication not ignored, resources gone after DELETE, ...) in all its phases: examples,
// coverage (boundary values and every refusal the document implies), fuzzing, and stateful sequences that follow the
// document's links (a user, group, rule, routing or webhook created, then read, changed, acted on and deleted).
// Each request carries the credential its operation declares (test/schemathesis/hooks.py); the configuration in
// test/schemathesis/schemathesis.toml says what it adjusts and why. Any failure, or any 5xx at all, fails the test,
// with Schemathesis' report and the API's error log. About 1.5 minutes per database on 2 cores, up to 4 on busy ones
// (the fuzzing phase draws 25 cases per operation; the coverage phase's cases are fixed by the document).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startTestService, type TestService } from '../support/service';

/** Operations Schemathesis leaves out, each with the reason. */
const EXCLUDED: { path: string; reason: string }[] = [
  {
    path: '/v1/reps/{id}/events',
    reason:
      'a Server-Sent Events stream never ends, so every case would wait out the request timeout; ' +
      'rep-events.test.ts and rep-event-bounds.test.ts test it',
  },
  {
    path: '/v1/live/events',
    reason:
      'the same never-ending stream (api/rep-event-stream.ts) over every rep: live-and-why.test.ts tests it, and ' +
      'rep-event-bounds.test.ts the bounds it shares',
  },
];

const MAX_EXAMPLES_PER_OPERATION = 25;
const GRPC_NOT_FOUND = 5;
const CONFIG_DIR = path.resolve(__dirname, '..', 'schemathesis');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests with \`npm test\` (scripts/schemathesis.sh installs it)`);
  return value;
}

/** Runs `command` to its end, its stdout and stderr together, as Schemathesis prints its report on both. */
function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Deletes every workflow the run started. The routing ids Schemathesis draws ("0", "00", ...) are the same in both
 * database passes, which share one Temporal server: without this, the next pass's `POST /v1/routings` would find this
 * pass's routing, whose worker is gone, and its query would fail.
 */
async function deleteWorkflowsOf(service: TestService): Promise<void> {
  const { client } = service.env;
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${service.taskQueue}'` })) {
    await client.workflowService
      .deleteWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
      })
      .catch((error) => {
        // NOT_FOUND: already gone (DELETE /v1/visitors/{id} deletes the histories of the visitor's routings).
        if (error?.code !== GRPC_NOT_FOUND) throw error;
      });
  }
}

describe('Schemathesis against /openapi.json', () => {
  let service: TestService;
  let reports: string;
  /** Where the webhook endpoints Schemathesis registers point (hooks.py): answers every delivery with 204. */
  let receiver: Server;
  let receiverUrl: string;
  /** What the API logs at error level (a 5xx comes with its cause), shown when the test fails. */
  const serverErrors: string[] = [];

  before(async () => {
    const logger = pino({ level: 'error' }, { write: (line: string) => serverErrors.push(line) });
    service = await startTestService({ logger });
    reports = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  after(async () => {
    await deleteWorkflowsOf(service);
    await service.stop();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(reports, { recursive: true, force: true });
  });

  test('finds no failure and no server error, with every check in every phase', async (context) => {
    const har = path.join(reports, 'requests.har');
    const { code, output } = await run(
      required('SCHEMATHESIS_PATH'),
      [
        '--config-file',
        path.join(CONFIG_DIR, 'schemathesis.toml'),
        'run',
        `${service.baseUrl}/openapi.json`,
        '--checks',
        'all',
        '--phases',
        'examples,coverage,fuzzing,stateful',
        '--max-examples',
        String(MAX_EXAMPLES_PER_OPERATION),
        ...EXCLUDED.flatMap(({ path }) => ['--exclude-path', path]),
        // Nothing is kept between runs.
        '--generation-database',
        'none',
        '--report',
        'har',
        '--report-har-path',
        har,
        '--no-color',
      ],
      {
        env: {
          ...process.env,
          SCHEMATHESIS_HOOKS: path.join(CONFIG_DIR, 'hooks.py'),
          ROUTING_BASE_URL: service.baseUrl,
          ROUTING_ADMIN_KEY: service.keys.adminKey,
          ROUTING_EXPERIENCE_KEY: service.keys.experienceKey,
          ROUTING_WEBHOOK_RECEIVER_URL: receiverUrl,
        },
        // Schemathesis and Hypothesis keep caches in the working directory: a temporary one, not the clone.
        cwd: reports,
      },
    );
    const entries: { request: { method: string; url: string }; response: { status: number } }[] = JSON.parse(
      readFileSync(har, 'utf8'),
    ).log.entries;
    const answeredWith5xx = entries
      .filter(({ response }) => response.status >= 500)
      .map(({ request, response }) => `${response.status} ${request.method} ${request.url}`);
    const byStatus = new Map<number, number>();
    for (const { response } of entries) byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
    const summary = [...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    context.diagnostic(`${entries.length} requests (by status ${summary.join(', ')})`);
    // Each phase's line, e.g. "Coverage (in 87.82s)", and the closing "== N passed ... in 210.97s ==" line.
    for (const line of output
      .split('\n')
      .filter((line) => /^ \S+ +\w+ \(in [\d.]+s\)$|^=+ .* in [\d.]+s =+$/.test(line))) {
      context.diagnostic(line.trim());
    }

    const serverLog = `\nThe API's error log:\n${serverErrors.join('')}`;
    assert.equal(code, 0, `Schemathesis found failures:\n${output}${serverLog}`);
    assert.ok(entries.length > 1000, `only ${entries.length} requests recorded: did Schemathesis run?\n${output}`);
    assert.deepEqual(answeredWith5xx, [], `server errors:\n${output}${serverLog}`);
  });
});
