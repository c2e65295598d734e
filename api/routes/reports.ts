// Reports on how routing is going, computed by the database (store/reports.ts) over a window: admins only.
import { firstOfferShares, outcomesReport, repOffers, speedToLead } from '../../store/reports';
import { admin } from '../access';
import { json, operation } from '../operations';
import {
  firstOfferSharesSchema,
  outcomesQuerySchema,
  outcomesSchema,
  repsQuerySchema,
  repsSchema,
  speedToLeadQuerySchema,
  speedToLeadSchema,
  windowOf,
} from '../schemas/reports';

export const reportsOperations = [
  operation({
    method: 'get',
    path: '/v1/reports/speed-to-lead',
    operationId: 'speedToLeadReport',
    tag: 'Reports',
    summary: 'Time to first offer and to accept (median, p90) per day, hour, rule or rep',
    access: admin,
    query: speedToLeadQuerySchema,
    responses: {
      200: json(speedToLeadSchema, 'One row per group that has routings started in the window, in key order.'),
    },
    handle: async ({ query: { groupBy, ...filter } }, { deps }) => {
      const window = windowOf(filter);
      const rows = await speedToLead(deps.db, { ...filter, ...window }, groupBy);
      return { status: 200, body: { window, rows } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/reports/outcomes',
    operationId: 'outcomesReport',
    tag: 'Reports',
    summary: 'How routings ended, per rule, day, hour or rep',
    access: admin,
    query: outcomesQuerySchema,
    responses: {
      200: json(outcomesSchema, 'One row per group that has routings started in the window, in key order.'),
    },
    handle: async ({ query: { groupBy, ...filter } }, { deps }) => {
      const window = windowOf(filter);
      const rows = await outcomesReport(deps.db, { ...filter, ...window }, groupBy);
      return { status: 200, body: { window, rows } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/reports/reps',
    operationId: 'repsReport',
    tag: 'Reports',
    summary: 'Offers made to each rep in the window, by how they ended',
    access: admin,
    query: repsQuerySchema,
    responses: { 200: json(repsSchema, 'One row per rep offered in the window, by rep id.') },
    handle: async ({ query }, { deps }) => {
      const window = windowOf(query);
      return { status: 200, body: { window, reps: await repOffers(deps.db, { ...query, ...window }) } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/reports/first-offer-shares',
    operationId: 'firstOfferSharesReport',
    tag: 'Reports',
    summary: "Each rep's share of first offers against their fair share, per rule and stage",
    access: admin,
    query: repsQuerySchema,
    responses: {
      200: json(firstOfferSharesSchema, 'One row per rule, stage and rep first offered in the window.'),
    },
    handle: async ({ query }, { deps }) => {
      const window = windowOf(query);
      return { status: 200, body: { window, rows: await firstOfferShares(deps.db, { ...query, ...window }) } };
    },
  }),
];
