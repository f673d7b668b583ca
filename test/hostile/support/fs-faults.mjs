// Preloaded into the CLI (`node --import`) to make the file system misbehave at an exact moment:
// the first time the CLI opens or lists a path named in ORC_FS_FAULTS, after the walk has seen it.
// ORC_FS_FAULTS is JSON `{ "<absolute path>": "vanish" | "fifo" | "folder" | "eacces" }`; each fault, once
// injected, is appended to the file ORC_FS_FAULTS_LOG, so a test can tell it really happened.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const faults = new Map(Object.entries(JSON.parse(process.env.ORC_FS_FAULTS ?? '{}')));
const log = process.env.ORC_FS_FAULTS_LOG;
const original = { appendFileSync: fs.appendFileSync, unlinkSync: fs.unlinkSync, rmSync: fs.rmSync, mkdirSync: fs.mkdirSync };

/** Injects the fault planned for `path`, if any and not yet done; returns an error to throw instead of the call. */
function inject(path, syscall) {
  const key = typeof path === 'string' ? path : path instanceof URL ? path.pathname : String(path);
  const fault = faults.get(key);
  if (fault === undefined) return undefined;
  faults.delete(key);
  if (log) original.appendFileSync(log, `${fault} ${key}\n`);
  if (fault === 'vanish') original.rmSync(key, { recursive: true });
  else if (fault === 'folder') {
    original.unlinkSync(key);
    original.mkdirSync(key);
  } else if (fault === 'fifo') {
    original.unlinkSync(key);
    execFileSync('mkfifo', [key]);
  } else if (fault === 'eacces') {
    return Object.assign(new Error(`EACCES: permission denied, ${syscall} '${key}'`), { code: 'EACCES', errno: -13, syscall, path: key });
  }
  return undefined;
}

function wrapSync(target, name, syscall) {
  const call = target[name];
  target[name] = function (path, ...rest) {
    const error = inject(path, syscall);
    if (error) throw error;
    return call.call(this, path, ...rest);
  };
}

function wrapAsync(target, name, syscall) {
  const call = target[name];
  target[name] = async function (path, ...rest) {
    const error = inject(path, syscall);
    if (error) throw error;
    return call.call(this, path, ...rest);
  };
}

for (const [name, syscall] of [['openSync', 'open'], ['readFileSync', 'open'], ['readdirSync', 'scandir'], ['opendirSync', 'opendir']]) wrapSync(fs, name, syscall);
for (const [name, syscall] of [['open', 'open'], ['readFile', 'open'], ['readdir', 'scandir'], ['opendir', 'opendir']]) wrapAsync(fs.promises, name, syscall);
// ES module imports of node:fs see the wrapped functions only after this.
syncBuiltinESMExports();
