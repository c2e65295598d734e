import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMatchingRule, matchesCondition, matchesCriteria } from '../../domain/criteria';
import type { Condition, ConditionOp, Criteria } from '../../domain/rules';
import type { Visitor } from '../../domain/visitor';

const visitor: Visitor = {
  id: 'v1',
  email: 'Jane.Doe@Acme.com',
  name: 'Jane Doe',
  company: 'Acme Corp',
  domain: 'acme.com',
  country: 'US',
  segments: ['Enterprise', 'fintech'],
  fields: { employees: 500, revenue: '250', plan: 'Pro', active: true, blank: '', nothing: null, fuzzy: '250+' },
  utm: { source: 'Google', campaign: 'spring_sale' },
  outbound: { provider: 'outreach', senderEmail: 'rep@us.example' },
};

const bare: Visitor = { id: 'v2' };

function cond(field: string, op: ConditionOp, value?: Condition['value']): Condition {
  return value === undefined ? { field, op } : { field, op, value };
}

function check(field: string, op: ConditionOp, value?: Condition['value'], who: Visitor = visitor): boolean {
  return matchesCondition(cond(field, op, value), who);
}

describe('matchesCondition', () => {
  it('equals / not_equals, case-insensitively', () => {
    assert.equal(check('country', 'equals', 'us'), true);
    assert.equal(check('email', 'equals', 'jane.doe@acme.com'), true);
    assert.equal(check('country', 'equals', 'GB'), false);
    assert.equal(check('country', 'not_equals', 'GB'), true);
    assert.equal(check('country', 'not_equals', 'Us'), false);
  });

  it('equals compares numbers and booleans by string form', () => {
    assert.equal(check('fields.employees', 'equals', '500'), true);
    assert.equal(check('fields.employees', 'equals', 500), true);
    assert.equal(check('fields.revenue', 'equals', 250), true);
    assert.equal(check('fields.active', 'equals', 'TRUE'), true);
    assert.equal(check('fields.active', 'equals', false), false);
    assert.equal(check('fields.employees', 'equals', '501'), false);
  });

  it('contains / not_contains on strings and numbers', () => {
    assert.equal(check('company', 'contains', 'ACME'), true);
    assert.equal(check('company', 'contains', 'globex'), false);
    assert.equal(check('fields.employees', 'contains', 50), true);
    assert.equal(check('company', 'not_contains', 'globex'), true);
    assert.equal(check('company', 'not_contains', 'corp'), false);
  });

  it('starts_with / ends_with', () => {
    assert.equal(check('email', 'starts_with', 'JANE'), true);
    assert.equal(check('email', 'starts_with', 'doe'), false);
    assert.equal(check('email', 'ends_with', '@ACME.COM'), true);
    assert.equal(check('email', 'ends_with', '@globex.com'), false);
    assert.equal(check('fields.employees', 'starts_with', '5'), true);
  });

  it('in / not_in on scalar fields', () => {
    assert.equal(check('country', 'in', ['gb', 'us']), true);
    assert.equal(check('country', 'in', ['gb', 'fr']), false);
    assert.equal(check('fields.employees', 'in', ['100', '500']), true);
    assert.equal(check('country', 'not_in', ['gb', 'fr']), true);
    assert.equal(check('country', 'not_in', ['GB', 'US']), false);
    assert.equal(check('country', 'in', []), false);
  });

  it('gt / gte / lt / lte compare numerically, parsing numeric strings', () => {
    assert.equal(check('fields.employees', 'gt', 499), true);
    assert.equal(check('fields.employees', 'gt', 500), false);
    assert.equal(check('fields.employees', 'gte', 500), true);
    assert.equal(check('fields.employees', 'gte', 501), false);
    assert.equal(check('fields.employees', 'lt', 501), true);
    assert.equal(check('fields.employees', 'lt', 500), false);
    assert.equal(check('fields.employees', 'lte', 500), true);
    assert.equal(check('fields.employees', 'lte', 499), false);
    // "250" is parsed: a string comparison would wrongly say "250" >= "1000".
    assert.equal(check('fields.revenue', 'gt', 100), true);
    assert.equal(check('fields.revenue', 'lt', 1000), true);
  });

  it('numeric ops are false for non-numeric, blank, boolean and array fields', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      assert.equal(check('fields.fuzzy', op, 0), false, `${op} on "250+"`);
      assert.equal(check('fields.blank', op, 0), false, `${op} on ""`);
      assert.equal(check('fields.active', op, 0), false, `${op} on boolean`);
      assert.equal(check('company', op, 0), false, `${op} on a word`);
      assert.equal(check('segments', op, 0), false, `${op} on an array`);
    }
  });

  it('exists / not_exists', () => {
    assert.equal(check('email', 'exists'), true);
    assert.equal(check('fields.employees', 'exists'), true);
    assert.equal(check('fields.active', 'exists'), true);
    assert.equal(check('fields.blank', 'exists'), false);
    assert.equal(check('fields.nothing', 'exists'), false);
    assert.equal(check('fields.missing', 'exists'), false);
    assert.equal(check('fields.blank', 'not_exists'), true);
    assert.equal(check('fields.nothing', 'not_exists'), true);
    assert.equal(check('email', 'not_exists'), false);
  });

  it('includes is true only for an array field holding the value', () => {
    assert.equal(check('segments', 'includes', 'enterprise'), true);
    assert.equal(check('segments', 'includes', 'smb'), false);
    assert.equal(check('segments', 'includes', 'enter'), false);
    assert.equal(check('company', 'includes', 'acme corp'), false);
  });

  it('array fields: contains, equals and in look at elements', () => {
    assert.equal(check('segments', 'contains', 'FINTECH'), true);
    assert.equal(check('segments', 'contains', 'fin'), false);
    assert.equal(check('segments', 'not_contains', 'smb'), true);
    assert.equal(check('segments', 'not_contains', 'fintech'), false);
    assert.equal(check('segments', 'equals', 'enterprise'), true);
    assert.equal(check('segments', 'not_equals', 'enterprise'), false);
    assert.equal(check('segments', 'in', ['smb', 'Enterprise']), true);
    assert.equal(check('segments', 'in', ['smb', 'mid-market']), false);
    assert.equal(check('segments', 'not_in', ['smb']), true);
    assert.equal(check('segments', 'not_in', ['fintech']), false);
    assert.equal(check('segments', 'starts_with', 'enterprise'), false);
    assert.equal(check('segments', 'ends_with', 'fintech'), false);
    assert.equal(check('segments', 'exists'), true);
  });

  it('resolves dotted paths into fields, utm and outbound', () => {
    assert.equal(check('utm.source', 'equals', 'google'), true);
    assert.equal(check('utm.campaign', 'starts_with', 'spring'), true);
    assert.equal(check('outbound.provider', 'equals', 'OUTREACH'), true);
    assert.equal(check('outbound.senderEmail', 'ends_with', '.example'), true);
    assert.equal(check('fields.plan', 'in', ['pro', 'enterprise']), true);
    assert.equal(check('utm.medium', 'exists'), false);
    // Walking past a scalar yields nothing rather than a string property.
    assert.equal(check('email.length', 'exists'), false);
    assert.equal(check('fields.employees.value', 'exists'), false);
  });

  it('missing fields: positive ops false, negative ops true', () => {
    for (const field of ['company', 'fields.employees', 'utm.source', 'outbound.provider', 'segments']) {
      assert.equal(check(field, 'equals', 'x', bare), false, `equals ${field}`);
      assert.equal(check(field, 'contains', 'x', bare), false, `contains ${field}`);
      assert.equal(check(field, 'starts_with', 'x', bare), false, `starts_with ${field}`);
      assert.equal(check(field, 'ends_with', 'x', bare), false, `ends_with ${field}`);
      assert.equal(check(field, 'in', ['x'], bare), false, `in ${field}`);
      assert.equal(check(field, 'includes', 'x', bare), false, `includes ${field}`);
      assert.equal(check(field, 'gt', 0, bare), false, `gt ${field}`);
      assert.equal(check(field, 'gte', 0, bare), false, `gte ${field}`);
      assert.equal(check(field, 'lt', 0, bare), false, `lt ${field}`);
      assert.equal(check(field, 'lte', 0, bare), false, `lte ${field}`);
      assert.equal(check(field, 'exists', undefined, bare), false, `exists ${field}`);
      assert.equal(check(field, 'not_equals', 'x', bare), true, `not_equals ${field}`);
      assert.equal(check(field, 'not_contains', 'x', bare), true, `not_contains ${field}`);
      assert.equal(check(field, 'not_in', ['x'], bare), true, `not_in ${field}`);
      assert.equal(check(field, 'not_exists', undefined, bare), true, `not_exists ${field}`);
    }
  });

  it('never resolves prototype members', () => {
    for (const field of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'fields.__proto__',
      'fields.constructor',
      'segments.map',
      'constructor.name',
      '__proto__.constructor',
    ]) {
      assert.equal(check(field, 'exists'), false, field);
      assert.equal(check(field, 'not_exists'), true, field);
    }
    assert.equal(check('constructor.name', 'equals', 'Object'), false);
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      assert.equal(check('polluted', 'equals', 'yes'), false);
      assert.equal(check('fields.polluted', 'exists'), false);
      assert.equal(check('utm.polluted', 'exists', undefined, bare), false);
    } finally {
      delete proto.polluted;
    }
  });

  it('still resolves own keys after many distinct paths (bounded path cache)', () => {
    const fields: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) fields[`f${i}`] = i;
    const many: Visitor = { id: 'v3', fields };
    for (let i = 0; i < 3000; i++) assert.equal(check(`fields.f${i}`, 'equals', i, many), true);
    assert.equal(check('fields.f0', 'lt', 1, many), true);
  });
});

describe('matchesCriteria', () => {
  const us = cond('country', 'equals', 'us');
  const gb = cond('country', 'equals', 'gb');
  const big = cond('fields.employees', 'gte', 100);
  const small = cond('fields.employees', 'lt', 100);

  it('empty criteria match everyone', () => {
    assert.equal(matchesCriteria({}, visitor), true);
    assert.equal(matchesCriteria({}, bare), true);
    assert.equal(matchesCriteria({ all: [], any: [] }, bare), true);
  });

  it('all requires every condition', () => {
    assert.equal(matchesCriteria({ all: [us, big] }, visitor), true);
    assert.equal(matchesCriteria({ all: [us, small] }, visitor), false);
    assert.equal(matchesCriteria({ all: [us] }, bare), false);
  });

  it('any requires at least one condition; empty or missing any imposes nothing', () => {
    assert.equal(matchesCriteria({ any: [gb, big] }, visitor), true);
    assert.equal(matchesCriteria({ any: [gb, small] }, visitor), false);
    assert.equal(matchesCriteria({ all: [us], any: [] }, visitor), true);
    assert.equal(matchesCriteria({ all: [us] }, visitor), true);
  });

  it('all and any together must both hold', () => {
    const criteria = (all: Condition[], any: Condition[]): Criteria => ({ all, any });
    assert.equal(matchesCriteria(criteria([us], [gb, big]), visitor), true);
    assert.equal(matchesCriteria(criteria([us], [gb, small]), visitor), false);
    assert.equal(matchesCriteria(criteria([gb], [us, big]), visitor), false);
    assert.equal(matchesCriteria(criteria([], [us]), visitor), true);
  });
});

describe('findMatchingRule', () => {
  const rule = (id: string, enabled: boolean, criteria: Criteria) => ({ id, enabled, criteria });
  const usRule = rule('us', true, { all: [cond('country', 'equals', 'US')] });
  const enterprise = rule('enterprise', true, { any: [cond('segments', 'includes', 'enterprise')] });
  const catchAll = rule('catch-all', true, {});
  const disabledMatch = rule('disabled', false, { all: [cond('country', 'equals', 'US')] });
  const gbRule = rule('gb', true, { all: [cond('country', 'equals', 'GB')] });

  it('returns the first matching rule in list order', () => {
    assert.equal(findMatchingRule([usRule, enterprise, catchAll], visitor), usRule);
    assert.equal(findMatchingRule([enterprise, usRule, catchAll], visitor), enterprise);
    assert.equal(findMatchingRule([gbRule, catchAll, usRule], visitor), catchAll);
  });

  it('skips disabled rules even when they match', () => {
    assert.equal(findMatchingRule([disabledMatch, gbRule, enterprise], visitor), enterprise);
    assert.equal(findMatchingRule([disabledMatch], visitor), undefined);
  });

  it('returns undefined when nothing matches', () => {
    assert.equal(findMatchingRule([gbRule, usRule, enterprise], bare), undefined);
    assert.equal(findMatchingRule([], visitor), undefined);
    assert.equal(findMatchingRule([gbRule, catchAll], bare), catchAll);
  });
});
