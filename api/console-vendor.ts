// The console's third-party files, each served by its own route from node_modules: never the folder, whose other
// files are not meant for browsers. Today uPlot, the dashboard's charting library (its ES module and stylesheet).
import express from 'express';

const files: Record<string, string> = {
  '/vendor/uplot.js': require.resolve('uplot/dist/uPlot.esm.js'),
  '/vendor/uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

export function consoleVendorRouter(): express.Router {
  const router = express.Router();
  for (const [route, file] of Object.entries(files)) {
    router.get(route, (_req, res, next) => res.sendFile(file, (error) => error && next(error)));
  }
  return router;
}
