#!/usr/bin/env node
// `--version` on its own is answered here: loading the CLI (commander and the rest) would cost more
// than printing it does (pre-commit hooks and CI scripts call it on every run).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  await import('../dist/cli.js');
}
