#!/usr/bin/env node
// Does a pool of worker threads pay for parsing on this machine, and from how much source on?
// (A question for issue 19, not part of npm run bench.) Parses generated TypeScript with the compiler the
// audit uses, and walks each tree as the analysis does (every node visited once), on the main thread alone
// and on a pool of worker threads that each load their own compiler; the pool's best case, since a syntax
// tree cannot cross threads and only plain facts would come back.
//
//   node scripts/bench-parse-pool.mjs [--workers 2] [--runs 3] [--sizes 0.25,1,4,16,64]   (MB of source)
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);

function parseAndWalk(ts, text, index) {
  const file = ts.createSourceFile(
    `f${index}.ts`,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    true,
    ts.ScriptKind.TS,
  );
  let nodes = 0;
  const pending = [file];
  for (let node = pending.pop(); node; node = pending.pop()) {
    nodes++;
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return nodes;
}

if (!isMainThread) {
  const ts = require('typescript');
  parentPort.postMessage({ ready: true });
  parentPort.on('message', ({ texts, first }) => {
    let nodes = 0;
    texts.forEach((text, index) => {
      nodes += parseAndWalk(ts, text, first + index);
    });
    parentPort.postMessage({ nodes });
  });
} else {
  const { values } = parseArgs({
    options: { workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '0.25,1,4,16,64' } },
  });
  const workers = Number(values.workers);
  const runs = Number(values.runs);
  const sizes = values.sizes.split(',').map(Number);

  /** ~8 KB TypeScript files, varied by index, like the bench's services. */
  const source = (index) =>
    Array.from({ length: 40 }, (_, block) =>
      [
        `export interface Item${index}_${block} { id: string; count: number; updatedAt: Date }`,
        `export async function load${index}_${block}(id: string): Promise<Item${index}_${block}> {`,
        `  const response = await fetch(\`https://api.example.com/items/\${id}?b=${block}\`);`,
        `  if (!response.ok) throw new Error(\`item \${id}: \${response.status}\`);`,
        `  return (await response.json()) as Item${index}_${block};`,
        `}`,
      ].join('\n'),
    ).join('\n\n');
  const textsOf = (megabytes) => {
    const texts = [];
    for (let bytes = 0; bytes < megabytes * 1024 * 1024; ) {
      const text = source(texts.length);
      texts.push(text);
      bytes += text.length;
    }
    return texts;
  };
  const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;

  const ts = require('typescript');
  /** One thread, the compiler already loaded (as the audit has it by then). */
  const alone = (texts) => {
    const started = process.hrtime.bigint();
    texts.forEach((text, index) => {
      parseAndWalk(ts, text, index);
    });
    return seconds(started);
  };
  /** A pool started for this work (its start-up and each worker's compiler load counted), the files split in batches. */
  const pooled = async (texts) => {
    const started = process.hrtime.bigint();
    const pool = Array.from({ length: workers }, () => new Worker(new URL(import.meta.url)));
    await Promise.all(pool.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
    const batch = 64;
    let next = 0;
    await Promise.all(
      pool.map(async (worker) => {
        while (next < texts.length) {
          const first = next;
          next += batch;
          worker.postMessage({ texts: texts.slice(first, first + batch), first });
          await new Promise((resolve) => worker.once('message', resolve));
        }
      }),
    );
    const elapsed = seconds(started);
    await Promise.all(pool.map((worker) => worker.terminate()));
    return elapsed;
  };
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  console.log(`${cpus().length} cores; ${workers} workers; medians of ${runs} alternating runs; parse + walk of every node`);
  for (const megabytes of sizes) {
    const texts = textsOf(megabytes);
    const one = [];
    const pool = [];
    for (let run = 0; run < runs; run++) {
      one.push(alone(texts));
      pool.push(await pooled(texts));
    }
    const [a, p] = [median(one), median(pool)];
    console.log(
      `${String(megabytes).padStart(6)} MB, ${String(texts.length).padStart(5)} files: one thread ${a.toFixed(2)} s (${(megabytes / a).toFixed(1)} MB/s), pool ${p.toFixed(2)} s (${(megabytes / p).toFixed(1)} MB/s): pool = ${(a / p).toFixed(2)}x`,
    );
  }
}
