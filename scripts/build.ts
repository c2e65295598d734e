// `npm run build` (scripts/build.sh): compiles the service's entry points to JavaScript in dist/ and bundles the
// routing workflows into dist/workflow-bundle.js, as Temporal recommends for production (the worker then loads the
// bundle from its file instead of running webpack at every start). The test suite and the bench's "sources" runs
// keep running the TypeScript through tsx.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../runtime/project-root';
import { bundleRoutingWorkflows } from '../worker/workflow-code';

/** The processes `npm start`, `npm run start:cluster` and a deployment run; dist/ mirrors their paths. */
const entryPoints = ['main.ts', 'api/main.ts', 'worker/main.ts', 'scripts/start-cluster.ts'];
const workflowBundleFile = 'workflow-bundle.js';

async function main() {
  const out = path.join(projectRoot, 'dist');
  // Written beside dist/ and moved into place at the end, so a failed build leaves no half of one behind.
  const staging = path.join(projectRoot, `dist.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const workflows = bundleRoutingWorkflows(console);
    await build({
      absWorkingDir: projectRoot,
      entryPoints,
      outdir: staging,
      outbase: '.',
      bundle: true,
      // Dependencies stay in node_modules, loaded as they are (native addons, the Temporal SDK's own files).
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'warning',
      define: { BUILT_WORKFLOW_BUNDLE: JSON.stringify(`dist/${workflowBundleFile}`) },
    });
    writeFileSync(path.join(staging, workflowBundleFile), (await workflows).code);
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
