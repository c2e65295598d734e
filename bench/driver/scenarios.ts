// The reps, groups and rules the bench routes with, created through the admin API like any deployment's.
// Each scenario has its own rule, chosen by `fields.benchScenario`; the other conditions are there to be realistic.
import { expectStatus, type JsonHttp } from './http';

export type Scenario = 'load' | 'race' | 'rr' | 'booker' | 'fair';

export interface Rep {
  id: string;
  token: string;
}

export interface BenchReps {
  load: Rep[];
  race: Rep[];
  rr: Rep[];
  booker: Rep[];
  fair: Rep[];
}

export interface ScenarioRule {
  reps: number;
  distribution: 'first_available' | 'round_robin';
  offerTimeoutSeconds: number;
}

export function visitorFor(scenario: string, routingId: string) {
  return {
    id: `v-${routingId}`,
    email: `visitor-${routingId}@bigco.example`,
    company: 'BigCo',
    country: 'US',
    segments: ['enterprise'],
    fields: { benchScenario: scenario, employees: 5000 },
    utm: { source: 'google', campaign: 'brand' },
  };
}

export function routingRequest(scenario: Scenario, routingId: string) {
  return { routingId, type: 'inbound', visitor: visitorFor(scenario, routingId) };
}

/** Reps `<prefix>-1` to `<prefix>-<count>`, available, each with a token of their own. */
export async function createReps(http: JsonHttp, admin: string, prefix: string, count: number): Promise<Rep[]> {
  const reps: Rep[] = [];
  for (let index = 1; index <= count; index++) {
    const id = `${prefix}-${index}`;
    const user = { name: id, email: `${id}@acme.example`, status: 'available' };
    expectStatus(`PUT user ${id}`, await http.request('PUT', `/v1/users/${id}`, admin, user), 200, 201);
    const minted = await http.request<{ token: string }>('POST', `/v1/users/${id}/tokens`, admin);
    reps.push({ id, token: expectStatus(`token for ${id}`, minted, 201).token });
  }
  return reps;
}

/** Group `bench-<name>` of `reps`, and a rule routing visitors whose `fields.benchScenario` is `scenario` to it. */
export async function createGroupRule(
  http: JsonHttp,
  admin: string,
  scenario: string,
  group: { name: string; reps: readonly Rep[] },
  rule: Omit<ScenarioRule, 'reps'>,
): Promise<void> {
  const groupId = `bench-${group.name}`;
  const members = group.reps.map((rep) => rep.id);
  const put = await http.request('PUT', `/v1/groups/${groupId}`, admin, { name: group.name, members });
  expectStatus(`PUT group ${groupId}`, put, 200, 201);
  const body = {
    name: `bench ${scenario}`,
    criteria: {
      all: [
        { field: 'fields.benchScenario', op: 'equals', value: scenario },
        { field: 'fields.employees', op: 'gte', value: 100 },
        { field: 'country', op: 'in', value: ['US', 'CA', 'GB'] },
      ],
      any: [
        { field: 'segments', op: 'includes', value: 'enterprise' },
        { field: 'utm.source', op: 'equals', value: 'google' },
      ],
    },
    routeTo: { groups: [groupId] },
    distribution: rule.distribution,
    offerTimeoutSeconds: rule.offerTimeoutSeconds,
    meetingBooker: { enabled: true },
  };
  expectStatus(`POST rule ${scenario}`, await http.request('POST', '/v1/rules', admin, body), 201);
}

async function createRepsAndRule(
  http: JsonHttp,
  admin: string,
  scenario: Scenario,
  rule: ScenarioRule,
): Promise<Rep[]> {
  const reps = await createReps(http, admin, scenario, rule.reps);
  await createGroupRule(http, admin, scenario, { name: scenario, reps }, rule);
  return reps;
}

export async function createBenchReps(
  http: JsonHttp,
  admin: string,
  sizes: { distribution: ScenarioRule['distribution']; groupSize: number; raceReps: number; fairnessReps: number },
): Promise<BenchReps> {
  // Round robin offers one rep at a time: a rule of one rep, so the one rep the driver watches sees every offer.
  const oneAtATime = sizes.distribution === 'round_robin';
  return {
    load: await createRepsAndRule(http, admin, 'load', {
      reps: oneAtATime ? 1 : sizes.groupSize,
      distribution: sizes.distribution,
      offerTimeoutSeconds: 60,
    }),
    race: await createRepsAndRule(http, admin, 'race', {
      reps: oneAtATime ? 1 : sizes.raceReps,
      distribution: sizes.distribution,
      offerTimeoutSeconds: 60,
    }),
    // Short offers, so a routing that times out twice is quick to drive, yet long enough to see on a busy machine.
    rr: await createRepsAndRule(http, admin, 'rr', { reps: 3, distribution: 'round_robin', offerTimeoutSeconds: 2 }),
    booker: await createRepsAndRule(http, admin, 'booker', {
      reps: 1,
      distribution: 'first_available',
      offerTimeoutSeconds: 0.3,
    }),
    // Offers that stand for the rest of the run: fairness counts them, memory keeps them open.
    fair: await createRepsAndRule(http, admin, 'fair', {
      reps: sizes.fairnessReps,
      distribution: 'round_robin',
      offerTimeoutSeconds: 86_400,
    }),
  };
}
