// Figure 5: history events and estimated billable actions per routing, for three outcomes, read from the real
// histories of routings driven through the API.

import type { RoutingState } from '../../domain/routing';
import type { BenchContext } from '../context';
import { expectStatus } from '../driver/http';
import { type Rep, routingRequest, type Scenario } from '../driver/scenarios';
import { sleep } from '../driver/timing';
import { type HistoryCost, historyCost } from './history-actions';

export interface OutcomeCost extends HistoryCost {
  outcome: string;
  routingId: string;
  status: string;
  offers: string[];
}

type Offers = { offers: { routingId: string }[] };

/** Waits until one of `reps` holds a live offer for the routing, and returns that rep. */
async function offeredRep(ctx: BenchContext, reps: readonly Rep[], routingId: string, skip: ReadonlySet<string>) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const rep of reps) {
      if (skip.has(rep.id)) continue;
      const response = await ctx.http.request<Offers>('GET', `/v1/reps/${rep.id}/offers`, rep.token);
      if (expectStatus('offers', response, 200).offers.some((offer) => offer.routingId === routingId)) return rep;
    }
    await sleep(5);
  }
  throw new Error(`${routingId}: no rep was offered it within 30 s`);
}

async function accept(ctx: BenchContext, rep: Rep, routingId: string) {
  const response = await ctx.http.request('POST', `/v1/routings/${routingId}/accept`, rep.token, { repId: rep.id });
  expectStatus(`${rep.id} accepts ${routingId}`, response, 200);
}

async function routeAndRead(
  ctx: BenchContext,
  outcome: string,
  scenario: Scenario,
  drive: (routingId: string) => Promise<void>,
): Promise<OutcomeCost> {
  const routingId = `cost-${scenario}-${Date.now()}`;
  const started = await ctx.http.request(
    'POST',
    '/v1/routings',
    ctx.service.keys.experienceKey,
    routingRequest(scenario, routingId),
  );
  expectStatus(`start ${routingId}`, started, 202);
  await drive(routingId);
  const handle = ctx.service.client.workflow.getHandle(routingId);
  const state = (await handle.result()) as RoutingState;
  return {
    outcome,
    routingId,
    status: state.status,
    offers: state.offers.map((offer) => `${offer.repId}:${offer.result}`),
    ...historyCost(await handle.fetchHistory()),
  };
}

export async function measureCostPerRouting(ctx: BenchContext): Promise<OutcomeCost[]> {
  ctx.log('cost per routing: connected at first offer, round robin after two timeouts, meeting booker');
  const { reps } = ctx;
  const connected = await routeAndRead(ctx, 'connected at first offer', 'load', async (routingId) => {
    await accept(ctx, await offeredRep(ctx, reps.load.slice(0, 1), routingId, new Set()), routingId);
  });
  const roundRobin = await routeAndRead(ctx, 'round robin: 2 timeouts, then accepted', 'rr', async (routingId) => {
    // Each rep in turn holds the offer until it times out; the third one offered accepts.
    const offered = new Set<string>();
    for (;;) {
      const rep = await offeredRep(ctx, reps.rr, routingId, offered);
      offered.add(rep.id);
      if (offered.size === 3) return accept(ctx, rep, routingId);
    }
  });
  const booker = await routeAndRead(ctx, 'meeting booker (nobody accepts)', 'booker', async () => {});
  const expected: [OutcomeCost, string][] = [
    [connected, 'connected'],
    [roundRobin, 'connected'],
    [booker, 'meeting_booker'],
  ];
  for (const [cost, status] of expected) {
    if (cost.status !== status) throw new Error(`${cost.routingId} ended ${cost.status}, expected ${status}`);
  }
  return [connected, roundRobin, booker];
}
