import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (process.env.ORC_LOAD_LOG) appendFileSync(process.env.ORC_LOAD_LOG, `${resolved.url}\n`);
  return resolved;
}
