// Every `:id` in a path names a user, group, rule, routing, rep or webhook: ids of one shape (the one a caller may
// choose for users and routings). Checked once per router, so no malformed or overlong id reaches the database or
// Temporal, and the client is told which part of its request to fix.
import type { RequestParamHandler } from 'express';
import { idSchema } from '../domain/users';
import { parseOr400 } from './http-error';

export const checkIdParam: RequestParamHandler = (_req, _res, next, value: string) => {
  try {
    parseOr400(idSchema, value, 'id');
    next();
  } catch (error) {
    next(error);
  }
};
