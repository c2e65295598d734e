// Starts the floor service (floor-service.ts) as its own process on the bench's Temporal server, with its own task
// queue, and an HTTP client for it.
import { freePort } from '../../runtime/ports';
import { startProjectProcess } from '../../scripts/project-process';
import { JsonHttp } from '../driver/http';

export interface Floor {
  baseUrl: string;
  http: JsonHttp;
  pid: number;
  stop(): Promise<void>;
}

/** `eager`: its starts hand the first workflow task straight to its worker, as the all-in-one service's do. */
export async function startFloor(address: string, eager: boolean): Promise<Floor> {
  const started = await startProjectProcess({
    role: 'api', // its HTTP port is PORT, and /readyz says when its worker polls
    entry: 'bench/floor/floor-service.ts',
    port: await freePort(),
    env: {
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: eager ? 'bench-floor-eager' : 'bench-floor',
      FLOOR_EAGER: eager ? '1' : '0',
    },
    stdout: 'stderr',
  });
  const baseUrl = started.url as string;
  const http = new JsonHttp(baseUrl);
  return {
    baseUrl,
    http,
    pid: started.pid,
    async stop() {
      http.close();
      await started.stop({ forceAfterMs: 20_000 });
    },
  };
}
