// A method the contract does not declare on a path it does declare is answered 405 with `Allow` (RFC 9110), not 404,
// and OPTIONS lists exactly the declared methods. Both come from /openapi.json itself, so they cannot drift from it.
import type { RequestHandler } from 'express';
import { HttpError } from './http-error';

/** In the order `Allow` lists them. */
const HTTP_METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'];

interface DeclaredPath {
  /** Literal segments before templated ones, as OpenAPI resolves `/v1/rules/order` against `/v1/rules/{id}`. */
  literalSegments: number;
  matches: RegExp;
  allow: string;
}

function declaredPaths(paths: Record<string, object>): DeclaredPath[] {
  return Object.entries(paths)
    .map(([template, item]) => {
      const declared = Object.keys(item);
      // Express answers HEAD for every GET route, and this module answers OPTIONS.
      const methods = HTTP_METHODS.filter(
        (method) =>
          declared.includes(method) || method === 'options' || (method === 'head' && declared.includes('get')),
      ).map((method) => method.toUpperCase());
      const segments = template.split('/').filter(Boolean);
      const pattern = segments
        .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return {
        literalSegments: segments.filter((segment) => !segment.startsWith('{')).length,
        // Express routes are case-insensitive and ignore a trailing slash; so is this.
        matches: new RegExp(`^/${pattern}/?$`, 'i'),
        allow: methods.join(', '),
      };
    })
    .sort((a, b) => b.literalSegments - a.literalSegments);
}

/** Answers OPTIONS, and 405 for undeclared methods, on the paths `document` declares; other requests pass. */
export function answerUndeclaredMethods(document: { paths?: Record<string, object> }): RequestHandler {
  const paths = declaredPaths(document.paths ?? {});
  return (req, res, next) => {
    const declared = paths.find((path) => path.matches.test(req.path));
    if (!declared) {
      next();
      return;
    }
    const allowed = declared.allow.split(', ');
    if (req.method === 'OPTIONS') {
      res.setHeader('allow', declared.allow);
      res.status(204).end();
      return;
    }
    if (allowed.includes(req.method)) {
      next();
      return;
    }
    res.setHeader('allow', declared.allow);
    next(new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${declared.allow}`));
  };
}
