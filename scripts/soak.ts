// Soak run: drives thousands of routings through restarts of every part (a worker SIGKILLed, Temporal struck, an
// API stopped) and reports what was lost: `npm run soak`. Each fault waits for the service to recover before the
// next interval starts, so the run measures survival of faults rather than a service that is never up.
//   SOAK_ROUTINGS (default 2000)  SOAK_RATE per second (default 10)  SOAK_RESTART_EVERY seconds (default 10)
//   SOAK_TEMPORAL=cluster: the at-scale layout (service-backends.ts), with SOAK_PROCESSES (default 2 there, else 1)
//   API and worker processes each.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../runtime/ports';
import { openDatabase } from '../store/database';
import { type ProjectProcess, startProjectProcess } from './project-process';
import { clusterBackend, devServerBackend } from './service-backends';

const total = Number(process.env.SOAK_ROUTINGS ?? 2000);
const rate = Number(process.env.SOAK_RATE ?? 10);
const restartEverySeconds = Number(process.env.SOAK_RESTART_EVERY ?? 10);
const onCluster = process.env.SOAK_TEMPORAL === 'cluster';
const processCount = Number(process.env.SOAK_PROCESSES ?? (onCluster ? 2 : 1));
const reps = ['r1', 'r2', 'r3', 'r4', 'r5'];
const ACCEPTS_IN_FLIGHT = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the API, retrying while it is down or restarting, as a real client with retries would. */
async function call(base: string, token: string, method: string, url: string, body?: unknown) {
  for (;;) {
    try {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (response.status >= 500) throw new Error(`${response.status}`);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch {
      await sleep(200);
    }
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'routing-soak-'));
  const backend = onCluster ? await clusterBackend() : await devServerBackend(dir);
  console.log(`soak on ${backend.name}, ${processCount} API and ${processCount} worker processes`);
  const keys = { ADMIN_API_KEY: `admin_${randomUUID()}`, EXPERIENCE_API_KEY: `exp_${randomUUID()}` };
  const env = {
    ...keys,
    ...backend.databaseEnv,
    TEMPORAL_ADDRESS: backend.temporalAddress,
    TASK_QUEUE: 'soak',
    LOG_LEVEL: 'error',
    // Its simulated reps poll far faster than people do (every 50 ms): no rate limit may shape what it measures.
    RATE_LIMIT_EXPERIENCE: '1000000',
    RATE_LIMIT_REP: '1000000',
    RATE_LIMIT_ADMIN: '1000000',
  };
  // A process restarted during a fault may wait out a recovering Temporal before it is ready.
  const timeoutMs = 300_000;
  const startWorkerProcess = async () =>
    startProjectProcess({ role: 'worker', port: await freePort(), env, timeoutMs });
  const apiPorts = await Promise.all(Array.from({ length: processCount }, () => freePort()));
  const bases = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  const startApiProcess = (index: number) =>
    startProjectProcess({ role: 'api', port: apiPorts[index] as number, env, timeoutMs });
  // The first worker migrates the database before anything else opens it.
  const workers: ProjectProcess[] = [];
  for (let i = 0; i < processCount; i++) workers.push(await startWorkerProcess());
  const apis: ProjectProcess[] = [];
  for (let i = 0; i < processCount; i++) apis.push(await startApiProcess(i));
  /** Requests are spread over the API processes, as a load balancer would. */
  const baseFor = (n: number) => bases[n % bases.length] as string;
  const base = baseFor(0);
  const admin = keys.ADMIN_API_KEY;

  for (const rep of reps)
    await call(base, admin, 'PUT', `/v1/users/${rep}`, { name: rep, email: `${rep}@soak.test`, status: 'available' });
  await call(base, admin, 'POST', '/v1/rules', { name: 'soak', routeTo: { users: reps }, offerTimeoutSeconds: 86_400 });
  const tokens: Record<string, string> = {};
  for (const rep of reps) tokens[rep] = (await call(base, admin, 'POST', `/v1/users/${rep}/tokens`)).body.token;

  const ids = Array.from({ length: total }, (_, i) => `soak-${i}-${randomUUID()}`);
  let triggered = 0;
  let restarts = 0;
  let done = false;
  const started = Date.now();

  // Simulated reps: each polls its offers and accepts what it sees; losing a race (409) is normal. Each starts at
  // a different point of the list, so they race on some routings and not on every one.
  const repLoops = reps.map(async (rep, index) => {
    const repBase = baseFor(index);
    while (!done) {
      const { body } = await call(repBase, tokens[rep] as string, 'GET', `/v1/reps/${rep}/offers`);
      const offers: { routingId: string }[] = body?.offers ?? [];
      const from = Math.floor((offers.length * index) / reps.length);
      // Several answers in flight, as a rep's browser tabs and retries would: after a worker is killed, an answer to
      // a routing it had cached waits out Temporal's sticky-queue timeout, and one at a time would crawl.
      const queue = [...offers.slice(from), ...offers.slice(0, from)];
      await Promise.all(
        Array.from({ length: ACCEPTS_IN_FLIGHT }, async () => {
          for (let offer = queue.shift(); offer && !done; offer = queue.shift()) {
            await call(repBase, tokens[rep] as string, 'POST', `/v1/routings/${offer.routingId}/accept`, {
              repId: rep,
            });
          }
        }),
      );
      await sleep(50);
    }
  });

  // Faults, in turn: SIGKILL a worker, strike Temporal, stop an API with SIGTERM (each process in its turn).
  const faults = (async () => {
    const kinds = ['worker', 'temporal', 'api'] as const;
    while (!done) {
      await sleep(restartEverySeconds * 1000);
      if (done) break;
      const kind = kinds[restarts % kinds.length];
      restarts++;
      const round = Math.floor((restarts - 1) / kinds.length);
      const target = round % processCount;
      const faultAt = Date.now();
      let what: string;
      if (kind === 'worker') {
        await (workers[target] as ProjectProcess).stop({ signal: 'SIGKILL' });
        workers[target] = await startWorkerProcess();
        what = `worker ${target + 1} killed and started`;
      } else if (kind === 'temporal') {
        what = await backend.strikeTemporal(round);
      } else {
        await (apis[target] as ProjectProcess).stop();
        apis[target] = await startApiProcess(target);
        what = `api ${target + 1} stopped and started`;
      }
      const at = ((faultAt - started) / 1000).toFixed(0);
      console.log(`[${at} s] restart ${restarts}: ${what}, back in ${((Date.now() - faultAt) / 1000).toFixed(1)} s`);
    }
  })();

  // Triggers at the target rate; a trigger that fails while the API is down is retried with the same id.
  await Promise.all(
    ids.map(async (routingId, i) => {
      await sleep((i / rate) * 1000);
      await call(baseFor(i), keys.EXPERIENCE_API_KEY, 'POST', '/v1/routings', {
        routingId,
        type: 'inbound',
        visitor: { id: `v-${i}` },
      });
      triggered++;
    }),
  );
  console.log(
    `triggered ${triggered} routings in ${((Date.now() - started) / 1000).toFixed(0)} s; waiting for outcomes`,
  );

  // Outcomes are read from the routings table the workflows project into: one query per second, not one per routing.
  const db = await openDatabase(backend.database);
  const readOutcomes = async () =>
    new Map(
      (await db.selectFrom('routings').select(['routing_id', 'status', 'rep_id']).execute()).map((row) => [
        row.routing_id,
        row,
      ]),
    );
  let outcomes = await readOutcomes();
  const finished = () => ids.filter((id) => (outcomes.get(id)?.status ?? 'routing') !== 'routing').length;
  const deadline = Date.now() + 600_000;
  while (finished() < total && Date.now() < deadline) {
    await sleep(1000);
    outcomes = await readOutcomes();
  }
  done = true;
  await Promise.all([...repLoops, faults]);

  // Cross-check: one conversation per connected routing, to the rep the routing names; no offer left standing.
  outcomes = await readOutcomes();
  const conversations = await db.selectFrom('conversations').select(['routing_id', 'rep_id']).execute();
  const offers = await db.selectFrom('offers').select(['routing_id', 'rep_id', 'result']).execute();
  await db.destroy();
  const conversationsPer = new Map<string, string[]>();
  for (const row of conversations)
    conversationsPer.set(row.routing_id, [...(conversationsPer.get(row.routing_id) ?? []), row.rep_id]);
  const offerKeys = new Set(offers.map((row) => `${row.routing_id}/${row.rep_id}`));
  // An offer still pending on a finished routing: shown by a lost workflow task and never withdrawn.
  const stillPending = offers.filter(
    (row) => row.result === 'pending' && (outcomes.get(row.routing_id)?.status ?? 'routing') !== 'routing',
  );

  const notConnected = ids.filter((id) => outcomes.get(id)?.status !== 'connected');
  const doubleAssigned = ids.filter((id) => (conversationsPer.get(id)?.length ?? 0) > 1);
  const missingConversation = ids.filter((id) => {
    const outcome = outcomes.get(id);
    const assigned = conversationsPer.get(id) ?? [];
    return outcome?.status === 'connected' && (assigned.length !== 1 || assigned[0] !== outcome.rep_id);
  });
  console.log(
    JSON.stringify(
      {
        routings: total,
        restarts,
        seconds: Math.round((Date.now() - started) / 1000),
        connected: ids.length - notConnected.length,
        lost: notConnected.length,
        ...(notConnected.length > 0 && {
          notConnected: notConnected.slice(0, 10).map((id) => [id, outcomes.get(id)?.status]),
        }),
        doubleAssigned: doubleAssigned.length,
        missingConversation: missingConversation.length,
        ...(missingConversation.length > 0 && {
          mismatched: missingConversation.slice(0, 10).map((id) => ({
            routingId: id,
            routingRep: outcomes.get(id)?.rep_id,
            conversationReps: conversationsPer.get(id) ?? [],
          })),
        }),
        offersRecorded: offerKeys.size,
        offersLeftPending: stillPending.length,
      },
      null,
      2,
    ),
  );

  for (const started of [...workers, ...apis]) await started.stop();
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
  const failures = notConnected.length + doubleAssigned.length + missingConversation.length + stillPending.length;
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
