// The type of the charting library the API serves at /vendor/uplot.js (api/console-vendor.ts): uPlot's own
// declarations, so the console's type check sees the real API of the file the browser loads.
import uPlot from 'uplot';
export default uPlot;
