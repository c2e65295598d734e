// The console's third-party files, each served by name from node_modules: never the folder, whose other files are
// not meant for browsers. Today uPlot, the dashboard's charting library (its ES module and stylesheet). Like the
// console's own files (express.static), they are static assets, not API operations, so this is middleware rather
// than routes: the contract in /openapi.json documents every route, and these have no place in it.
import type express from 'express';

const files: Record<string, string> = {
  '/vendor/uplot.js': require.resolve('uplot/dist/uPlot.esm.js'),
  '/vendor/uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

export function consoleVendorFiles(): express.RequestHandler {
  return (req, res, next) => {
    const file = Object.hasOwn(files, req.path) ? files[req.path] : undefined;
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    // The path is ours, not the request's: it may pass through a hidden folder (a checkout under ~/.something, the
    // suite's .test-artifacts/node24 copy), which sendFile would otherwise refuse as a dotfile.
    res.sendFile(file, { dotfiles: 'allow' }, (error) => error && next(error));
  };
}
