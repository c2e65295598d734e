// The layering check `npm test` runs (scripts/test.sh): dependencies point inwards. domain/ holds the model and the
// pure routing logic and imports nothing else of the project; workflows/ stay deterministic (types only from the
// I/O layers); nothing below the HTTP edge reaches up into api/. docs/architecture.md draws the layers.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-the-centre',
      comment: 'domain/ is the model and pure routing logic: it imports only libraries, nothing of the project.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^(?!domain/)', dependencyTypesNot: ['npm', 'npm-dev', 'core'] },
    },
    {
      name: 'nothing-below-the-edge-imports-api',
      comment: 'api/ is the HTTP edge: request envelopes, responses and OpenAPI. The layers under it never import it.',
      severity: 'error',
      from: { path: '^(store|activities|workflows|connectors|outbound|worker|runtime)/' },
      to: { path: '^api/' },
    },
    {
      name: 'store-knows-no-callers',
      comment: 'store/ is the database; it does not know the workflows, activities or connectors that call it.',
      severity: 'error',
      from: { path: '^store/' },
      to: { path: '^(workflows|activities|connectors|worker)/' },
    },
    {
      name: 'workflows-are-deterministic',
      comment:
        'Workflow code runs in the sandbox: it reaches I/O only through activities, so it takes only types from the I/O layers.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        path: '^(store|activities|connectors|outbound|runtime|worker|observability)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'one-writer-of-routing-rows',
      comment:
        "A routing's rows are written only through RoutingRows (activities/routing-rows.ts), shared by the activities and the API, so every write starts the webhook deliveries it owes the same way. Tests of the store may call the writes directly.",
      severity: 'error',
      from: { pathNot: '^(activities/routing-rows\\.ts$|test/)' },
      to: { path: '^store/routing-writes\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'production-code-never-imports-tests-or-bench',
      severity: 'error',
      from: {
        path: '^(domain|api|store|activities|workflows|connectors|outbound|worker|runtime|observability|embedded)/',
      },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle between modules means neither has one job. Type-only cycles are how Temporal code is typed (a workflow names its activities by `typeof activities`), so they are allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|\\.test-artifacts|test-results)/' },
  },
};
