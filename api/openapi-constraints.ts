// Constraints the server enforces on every request but that zod-to-openapi does not write into /openapi.json, added to
// the schemas requests are read with, so that a client generated from the document never sends what will be refused:
// - no NUL character in any string or object key (api/text-safety.ts refuses them: PostgreSQL text cannot hold them);
// - emails match the pattern zod's z.email() checks. It is stated instead of `format: email`, which both allows
//   addresses the server refuses (`a!b@x.test`) and refuses some it accepts (a local part over 64 characters);
// - integers are safe integers (zod's .int() refuses anything beyond 2^53 - 1);
// - a path parameter is never empty (an empty segment routes nowhere), and no parameter is ever null.
import { z } from 'zod';

/** Any text without NUL. */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

type Schema = Record<string, any>;
type Document = { paths?: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

const typesOf = (schema: Schema): string[] =>
  Array.isArray(schema.type) ? schema.type : typeof schema.type === 'string' ? [schema.type] : [];

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null;

/** Adds the server's constraints to `schema` and everything it contains or references, each component once. */
function constrain(schema: unknown, document: Document, visited: Set<string>): void {
  if (!isObject(schema)) return;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (visited.has(name)) return;
    visited.add(name);
    constrain(document.components?.schemas?.[name], document, visited);
  }
  const types = typesOf(schema);
  if (types.includes('string') && schema.enum === undefined && schema.const === undefined) {
    // Formats (date-time, uri) cannot hold NUL; a pattern of our own never allows it either.
    if (schema.format === undefined) schema.pattern ??= NO_NUL_PATTERN;
  }
  if (types.includes('integer')) {
    schema.minimum ??= Number.MIN_SAFE_INTEGER;
    schema.maximum ??= Number.MAX_SAFE_INTEGER;
  }
  if (types.includes('object') && isObject(schema.additionalProperties)) {
    schema.propertyNames = { ...schema.propertyNames, pattern: schema.propertyNames?.pattern ?? NO_NUL_PATTERN };
  }
  for (const key of ['items', 'additionalProperties']) constrain(schema[key], document, visited);
  for (const key of ['properties', 'patternProperties']) {
    for (const child of Object.values<unknown>(schema[key] ?? {})) constrain(child, document, visited);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    for (const child of schema[key] ?? []) constrain(child, document, visited);
  }
}

/** Replaces `format: email` with the pattern the server checks emails with, wherever it appears (also in responses). */
function stateEmailPattern(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) stateEmailPattern(item);
  } else if (isObject(node)) {
    if (node.format === 'email') {
      delete node.format;
      node.pattern = z.regexes.email.source;
      node.description ??= 'An email address.';
    }
    for (const value of Object.values(node)) stateEmailPattern(value);
  }
}

/**
 * States the server's request constraints in `document`: in every parameter and request body, and in the components
 * they reference (response-only schemas are left alone: an error message may quote what the client sent).
 */
export function stateRequestConstraints(document: Document): void {
  stateEmailPattern(document);
  const visited = new Set<string>();
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values<any>(item)) {
      if (!isObject(operation)) continue;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path') parameter.schema.minLength ??= 1;
        // A query or path value is text: it can be absent, never JSON null (zod-to-openapi says z.coerce takes null).
        if (Array.isArray(parameter.schema.type)) {
          parameter.schema.type = parameter.schema.type.filter((type: string) => type !== 'null');
          if (parameter.schema.type.length === 1) parameter.schema.type = parameter.schema.type[0];
        }
        constrain(parameter.schema, document, visited);
      }
      for (const media of Object.values<any>(operation.requestBody?.content ?? {})) {
        constrain(media.schema, document, visited);
      }
    }
  }
}
