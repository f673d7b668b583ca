// Preloaded with `node --import`: records every module the process loads into $ORC_LOAD_LOG —
// ES modules through a resolve hook, CommonJS ones (the TypeScript compiler is one) as `require` loads them.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(new URL('./load-recorder-hooks.mjs', import.meta.url));

const load = Module._load;
Module._load = function recordingLoad(request, parent, isMain) {
  const exported = load.apply(this, [request, parent, isMain]);
  if (process.env.ORC_LOAD_LOG) {
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      appendFileSync(process.env.ORC_LOAD_LOG, `${file.startsWith('/') ? pathToFileURL(file).href : file}\n`);
    } catch {
      // A built-in or unresolvable name: nothing on disk to record.
    }
  }
  return exported;
};
