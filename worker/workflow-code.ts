// The routing workflows' code for a worker: the bundle `npm run build` made with the compiled code it runs with
// (Temporal's recommendation for production: no webpack at start), or, run from the sources, bundled at start.
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { projectRoot } from '../runtime/project-root';

/** A bundle in memory, or a file written earlier (the build's, or the one the test suite shares). */
export type WorkflowCode = WorkflowBundle | { codePath: string };

/**
 * Replaced by the build (esbuild's `define`, scripts/build.ts) with the path of the bundle it wrote, relative to the
 * project root; no such name exists in the sources, so there `typeof` says 'undefined'.
 */
declare const BUILT_WORKFLOW_BUNDLE: string | undefined;

export function routingWorkflowCode(logger: Pick<Logger, 'warn' | 'error'>): WorkflowCode | Promise<WorkflowCode> {
  if (typeof BUILT_WORKFLOW_BUNDLE === 'string') return { codePath: path.join(projectRoot, BUILT_WORKFLOW_BUNDLE) };
  return bundleRoutingWorkflows(logger);
}

/** Bundles the workflow code with webpack; its module listing is dropped, its warnings and errors are kept. */
export function bundleRoutingWorkflows(logger: Pick<Logger, 'warn' | 'error'>): Promise<WorkflowBundle> {
  const ignore = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: path.join(projectRoot, 'workflows', 'index.ts'),
    logger: {
      log: ignore,
      trace: ignore,
      debug: ignore,
      info: ignore,
      warn: (message, meta) => logger.warn(meta ?? {}, message),
      error: (message, meta) => logger.error(meta ?? {}, message),
    },
  });
}
