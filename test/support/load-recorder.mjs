// Preloaded with `node --import`: records every module URL the process resolves into $ORC_LOAD_LOG.
import { register } from 'node:module';

register(new URL('./load-recorder-hooks.mjs', import.meta.url));
