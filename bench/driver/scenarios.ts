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

interface ScenarioRule {
  reps: number;
  distribution: 'first_available' | 'round_robin';
  offerTimeoutSeconds: number;
}

export function visitorFor(scenario: Scenario, routingId: string) {
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

async function createRepsAndRule(
  http: JsonHttp,
  admin: string,
  scenario: Scenario,
  rule: ScenarioRule,
): Promise<Rep[]> {
  const ids = Array.from({ length: rule.reps }, (_, index) => `${scenario}-${index + 1}`);
  const reps: Rep[] = [];
  for (const id of ids) {
    const user = { name: id, email: `${id}@acme.example`, status: 'available' };
    expectStatus(`PUT user ${id}`, await http.request('PUT', `/v1/users/${id}`, admin, user), 200, 201);
    const minted = await http.request<{ token: string }>('POST', `/v1/users/${id}/tokens`, admin);
    reps.push({ id, token: expectStatus(`token for ${id}`, minted, 201).token });
  }
  const group = { name: scenario, members: ids };
  expectStatus(
    `PUT group ${scenario}`,
    await http.request('PUT', `/v1/groups/bench-${scenario}`, admin, group),
    200,
    201,
  );
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
    routeTo: { groups: [`bench-${scenario}`] },
    distribution: rule.distribution,
    offerTimeoutSeconds: rule.offerTimeoutSeconds,
    meetingBooker: { enabled: true },
  };
  expectStatus(`POST rule ${scenario}`, await http.request('POST', '/v1/rules', admin, body), 201);
  return reps;
}

export async function createBenchReps(
  http: JsonHttp,
  admin: string,
  sizes: { groupSize: number; raceReps: number; fairnessReps: number },
): Promise<BenchReps> {
  return {
    load: await createRepsAndRule(http, admin, 'load', {
      reps: sizes.groupSize,
      distribution: 'first_available',
      offerTimeoutSeconds: 60,
    }),
    race: await createRepsAndRule(http, admin, 'race', {
      reps: sizes.raceReps,
      distribution: 'first_available',
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
