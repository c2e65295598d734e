// Figure 2: POST /v1/routings/:id/accept round trips when every offered rep accepts at once (one wins, the rest get
// 409), next to the same race over HTTP on the floor service: one race at a time on each in turn (light), and races
// arriving at the moderate rate, on the floor and then on the service.
import type { BenchContext } from '../context';
import { expectStatus, type JsonHttp } from '../driver/http';
import { routingRequest } from '../driver/scenarios';
import { now, paced, sleep } from '../driver/timing';

export interface AcceptRaceResult {
  reps: number;
  races: number;
  winnerMs: number[];
  loserMs: number[];
  floorWinnerMs: number[];
  floorLoserMs: number[];
}

const WARMUP = 3;

/** The service's API, or the floor (which takes any key); the first rep polls its offers every `pollMs`. */
async function race(ctx: BenchContext, http: JsonHttp, routingId: string, pollMs = 1) {
  const { service, reps } = ctx;
  const started = await http.request(
    'POST',
    '/v1/routings',
    service.keys.experienceKey,
    routingRequest('race', routingId),
  );
  expectStatus(`start ${routingId}`, started, 202);
  // Every rep is offered in one write, so the first rep seeing it means all can accept.
  const [first] = reps.race;
  for (;;) {
    const offers = await http.request<{ offers: { routingId: string }[] }>(
      'GET',
      `/v1/reps/${first?.id}/offers`,
      first?.token as string,
    );
    if (expectStatus('race offers', offers, 200).offers.some((offer) => offer.routingId === routingId)) break;
    await sleep(pollMs);
  }
  const answers = await Promise.all(
    reps.race.map(async (rep) => {
      const sentAt = now();
      const response = await http.request('POST', `/v1/routings/${routingId}/accept`, rep.token, { repId: rep.id });
      return { status: response.status, ms: now() - sentAt };
    }),
  );
  const winners = answers.filter((answer) => answer.status === 200);
  const losers = answers.filter((answer) => answer.status === 409);
  if (winners.length !== 1 || losers.length !== answers.length - 1) {
    throw new Error(`${routingId}: accept race answered ${answers.map((answer) => answer.status).join(', ')}`);
  }
  await service.client.workflow.getHandle(routingId).result();
  return { winnerMs: (winners[0] as { ms: number }).ms, loserMs: losers.map((loser) => loser.ms) };
}

export async function measureAcceptRace(ctx: BenchContext): Promise<AcceptRaceResult> {
  const { config, http, floor } = ctx;
  ctx.log(`accept: ${config.acceptRaces} races of ${ctx.reps.race.length} reps, each next to one on the floor`);
  const result: AcceptRaceResult = {
    reps: ctx.reps.race.length,
    races: config.acceptRaces,
    winnerMs: [],
    loserMs: [],
    floorWinnerMs: [],
    floorLoserMs: [],
  };
  for (let index = 0; index < config.acceptRaces + WARMUP; index++) {
    const routing = await race(ctx, http, `race-${index}`);
    const bare = await race(ctx, floor.http, `floor-race-${index}`);
    if (index < WARMUP) continue;
    result.winnerMs.push(routing.winnerMs);
    result.loserMs.push(...routing.loserMs);
    result.floorWinnerMs.push(bare.winnerMs);
    result.floorLoserMs.push(...bare.loserMs);
  }
  return result;
}

export interface ModerateAcceptResult extends AcceptRaceResult {
  rate: number;
}

/** Races started open-loop at `rate` for the moderate load's seconds: first on the floor, then on the service. */
export async function measureAcceptRaceModerate(ctx: BenchContext, rate: number): Promise<ModerateAcceptResult> {
  const { config, http, floor } = ctx;
  ctx.log(`accept: ${ctx.reps.race.length}-rep races at ${rate}/s for ${config.moderateSeconds} s, floor then service`);
  const racesOn = async (target: JsonHttp, label: string) => {
    const races: ReturnType<typeof race>[] = [];
    await paced(rate, config.moderateSeconds, (index) => {
      // Polled as the throughput steps' reps poll: the round trips are timed from the accepts on, and polls any
      // faster, from every race in flight, would load the API more than the races do.
      races.push(race(ctx, target, `${label}-${index}`, config.stepPollMs));
    });
    return Promise.all(races);
  };
  const bare = await racesOn(floor.http, 'floor-race-moderate');
  const routing = await racesOn(http, 'race-moderate');
  return {
    rate,
    reps: ctx.reps.race.length,
    races: routing.length,
    winnerMs: routing.map((each) => each.winnerMs),
    loserMs: routing.flatMap((each) => each.loserMs),
    floorWinnerMs: bare.map((each) => each.winnerMs),
    floorLoserMs: bare.flatMap((each) => each.loserMs),
  };
}
