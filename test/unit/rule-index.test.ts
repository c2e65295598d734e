import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findMatchingRule } from '../../domain/criteria';
import { compileRuleSet } from '../../domain/rule-index';
import { type Condition, type ConditionOp, type Criteria, conditionOps } from '../../domain/rules';
import type { Visitor } from '../../domain/visitor';

interface TestRule {
  id: string;
  enabled: boolean;
  criteria: Criteria;
}

const rule = (id: string, criteria: Criteria, enabled = true): TestRule => ({ id, enabled, criteria });
const cond = (field: string, op: ConditionOp, value?: Condition['value']): Condition =>
  value === undefined ? { field, op } : { field, op, value };

/** The compiled answer, checked against the linear scan it must equal. */
function match(rules: TestRule[], visitor: Visitor): string | undefined {
  const compiled = compileRuleSet(rules).match(visitor);
  assert.equal(compiled, findMatchingRule(rules, visitor));
  return compiled?.id;
}

/** A visitor with arbitrary own keys, `__proto__` included (JSON.parse makes it an own property). */
const visitorFrom = (json: string) => JSON.parse(json) as Visitor;

describe('compileRuleSet', () => {
  it('first match in list order, across buckets and always-checked rules', () => {
    const rules = [
      rule('gb', { all: [cond('country', 'equals', 'GB')] }),
      rule('big', { all: [cond('fields.employees', 'gte', 1000)] }),
      rule('us', { all: [cond('country', 'in', ['us', 'ca'])] }),
      rule('catch-all', {}),
    ];
    assert.equal(match(rules, { id: 'v', country: 'US', fields: { employees: 5000 } }), 'big');
    assert.equal(match(rules, { id: 'v', country: 'US' }), 'us');
    assert.equal(match(rules, { id: 'v', country: 'gb', fields: { employees: 5000 } }), 'gb');
    assert.equal(match(rules, { id: 'v', country: 'FR' }), 'catch-all');
    assert.equal(match(rules.slice(0, 3), { id: 'v', country: 'FR' }), undefined);
    assert.equal(match([], { id: 'v' }), undefined);
  });

  it('skips disabled rules', () => {
    const rules = [rule('off', { all: [cond('country', 'equals', 'US')] }, false), rule('off-any', {}, false)];
    assert.equal(match(rules, { id: 'v', country: 'US' }), undefined);
    assert.equal(
      match([...rules, rule('on', { any: [cond('country', 'equals', 'us')] })], { id: 'v', country: 'US' }),
      'on',
    );
  });

  it('array fields: equals, in and includes match any element, each rule once', () => {
    const rules = [
      rule('smb', { all: [cond('segments', 'equals', 'SMB')] }),
      rule('ent', { all: [cond('segments', 'in', ['enterprise', 'ENTERPRISE', 'fintech'])] }),
      rule('includes', { all: [cond('segments', 'includes', 'emea')] }),
    ];
    assert.equal(match(rules, { id: 'v', segments: ['Fintech', 'enterprise', 'EMEA'] }), 'ent');
    assert.equal(match(rules, { id: 'v', segments: ['emea'] }), 'includes');
    assert.equal(match(rules, { id: 'v', segments: [] }), undefined);
    // includes holds only on arrays, though the scalar lands in the same bucket.
    assert.equal(match(rules, { id: 'v', fields: {}, segments: 'emea' as unknown as string[] }), undefined);
  });

  it('numbers and booleans compare by their string form', () => {
    const rules = [
      rule('500', { all: [cond('fields.employees', 'equals', '500')] }),
      rule('250', { all: [cond('fields.revenue', 'in', [250, 'x'])] }),
      rule('true', { all: [cond('fields.active', 'equals', 'TRUE')] }),
    ];
    assert.equal(match(rules, { id: 'v', fields: { employees: 500 } }), '500');
    assert.equal(match(rules, { id: 'v', fields: { revenue: '250' } }), '250');
    assert.equal(match(rules, { id: 'v', fields: { active: true } }), 'true');
    assert.equal(match(rules, { id: 'v', fields: { active: false, employees: 501 } }), undefined);
  });

  it('substring and range conditions are always checked', () => {
    const rules = [
      rule('pricing', { all: [cond('fields.pageUrl', 'contains', '/Pricing')] }),
      rule('mid', { all: [cond('fields.employees', 'gte', 200), cond('fields.employees', 'lt', 1000)] }),
      rule('dot-com', { any: [cond('email', 'ends_with', '.com'), cond('domain', 'starts_with', 'acme')] }),
    ];
    assert.equal(match(rules, { id: 'v', fields: { pageUrl: 'https://x.io/pricing/teams' } }), 'pricing');
    assert.equal(match(rules, { id: 'v', fields: { employees: '250' } }), 'mid');
    assert.equal(match(rules, { id: 'v', domain: 'acme.io' }), 'dot-com');
    assert.equal(match(rules, { id: 'v', fields: { pageUrl: '/blog', employees: 50 } }), undefined);
  });

  it('missing fields, dotted paths, negative ops and empty any', () => {
    const rules = [
      rule('campaign', { all: [cond('utm.campaign', 'equals', 'Spring')] }),
      rule('not-us', { all: [cond('country', 'not_equals', 'US')], any: [] }),
      rule('not-in', { all: [cond('segments', 'not_in', ['smb'])] }),
      rule('empty-any', { any: [] }),
    ];
    assert.equal(match(rules, { id: 'v', utm: { campaign: 'spring' }, country: 'US' }), 'campaign');
    assert.equal(match(rules, { id: 'v' }), 'not-us');
    assert.equal(match(rules, { id: 'v', country: 'US' }), 'not-in');
    assert.equal(match(rules, { id: 'v', country: 'US', segments: ['smb'] }), 'empty-any');
  });

  it('an any of indexable conditions guards across fields; one that is not falls back to checking', () => {
    const rules = [
      rule('either', { any: [cond('country', 'equals', 'DE'), cond('domain', 'in', ['acme.com'])] }),
      rule('mixed', { any: [cond('country', 'equals', 'FR'), cond('fields.employees', 'gt', 10)] }),
    ];
    assert.equal(match(rules, { id: 'v', domain: 'ACME.com' }), 'either');
    assert.equal(match(rules, { id: 'v', fields: { employees: 11 } }), 'mixed');
    assert.equal(match(rules, { id: 'v', country: 'fr' }), 'mixed');
    assert.equal(match(rules, { id: 'v', country: 'gb' }), undefined);
  });

  it('never matches through prototype members; `__proto__` is an ordinary field', () => {
    const rules = [
      rule('proto', { all: [cond('__proto__', 'equals', 'x')] }),
      rule('ctor', { all: [cond('fields.constructor', 'in', ['x'])] }),
    ];
    assert.equal(match(rules, visitorFrom('{"id":"v","__proto__":"X"}')), 'proto');
    assert.equal(match(rules, visitorFrom('{"id":"v","fields":{"constructor":"x"}}')), 'ctor');
    assert.equal(match(rules, { id: 'v', fields: {} }), undefined);
  });

  it('values a condition cannot compare never match', () => {
    const rules = [
      rule('equals-list', { all: [cond('country', 'equals', ['us'])] }),
      rule('in-scalar', { all: [cond('country', 'in', 'us')] }),
      rule('no-value', { all: [cond('country', 'equals')] }),
    ];
    assert.equal(match(rules, { id: 'v', country: 'us' }), undefined);
  });

  it('equals findMatchingRule on random rule sets and visitors', () => {
    const scalar = fc.constantFrom<string | number | boolean>(
      'US',
      'us',
      'u',
      'gb',
      'Enterprise',
      'x',
      '',
      '1',
      '1.5',
      'true',
      'NaN',
      1,
      1.5,
      0,
      -0,
      Number.NaN,
      true,
      false,
    );
    const field = fc.constantFrom(
      'country',
      'segments',
      'domain',
      'fields.n',
      'fields.list',
      'fields.deep.x',
      'utm.campaign',
      '__proto__',
      'constructor',
      'fields.__proto__',
      'toString',
    );
    const condition: fc.Arbitrary<Condition> = fc.record(
      {
        field,
        op: fc.constantFrom(...conditionOps),
        value: fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })),
      },
      { requiredKeys: ['field', 'op'] },
    );
    const criteria = fc.record(
      { all: fc.array(condition, { maxLength: 3 }), any: fc.array(condition, { maxLength: 3 }) },
      { requiredKeys: [] },
    );
    const rules = fc
      .array(fc.record({ enabled: fc.integer({ min: 0, max: 9 }).map((n) => n > 0), criteria }), { maxLength: 25 })
      .map((list) => list.map((each, index) => ({ id: `r${index}`, ...each })));
    // Own keys only, `__proto__` included: Object.fromEntries defines rather than assigns.
    const value: fc.Arbitrary<unknown> = fc.oneof(
      scalar,
      fc.constantFrom(null, undefined, {}),
      fc.array(fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 2 })), { maxLength: 4 }),
    );
    const object = (keys: string[], inner: fc.Arbitrary<unknown>) =>
      fc
        .array(fc.tuple(fc.constantFrom(...keys), inner), { maxLength: 5 })
        .map((entries) => Object.fromEntries(entries));
    const nested = object(['n', 'list', 'campaign', 'x', '__proto__', 'constructor'], value);
    const visitor = object(['country', 'segments', 'domain', '__proto__', 'constructor', 'toString'], value).chain(
      (top) =>
        fc
          .record({ fields: fc.oneof(nested, object(['deep'], nested)), utm: nested }, { requiredKeys: [] })
          .map((paths) => ({ id: 'v', ...top, ...paths }) as Visitor),
    );
    fc.assert(
      fc.property(rules, fc.array(visitor, { minLength: 1, maxLength: 8 }), (ruleSet, visitors) => {
        const compiled = compileRuleSet(ruleSet);
        for (const each of visitors) assert.equal(compiled.match(each), findMatchingRule(ruleSet, each));
      }),
      { numRuns: 2000 },
    );
  });
});
