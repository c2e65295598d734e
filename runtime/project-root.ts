// The repository's root, from the sources (run by tsx) or from the build (dist/, scripts/build.ts): the nearest
// directory above this module that holds package.json. Files read at run time (the console) are found from it.
import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const projectRoot = findRoot(__dirname);
