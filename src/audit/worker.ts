// A worker thread of `artifacts audit`: compiles the same policy, then walks the run folders it is sent,
// CHUNK at a time, and replies with their sums and bounded top-N lists (never a list of every file).
import { parentPort, workerData } from 'node:worker_threads';
import { Classifier } from '../policy/classifier.js';
import { parsePolicy } from '../policy/load.js';
import { type Split, type WorkerSetup, Walker } from './audit.js';

const setup = workerData as WorkerSetup;
const classifier = new Classifier(parsePolicy(setup.policyText), { ignoreCase: setup.ignoreCase });
const walker = new Walker(classifier, setup.top);

parentPort?.on('message', (chunk: { abs: string; rel: string }[]) => {
  const runs: { path: string; split: Split }[] = [];
  for (const { abs, rel } of chunk) {
    const levels = classifier.rootOf(rel)?.runMatchers.length ?? 0;
    runs.push({ path: rel, split: walker.walkRun(abs, rel, levels) });
  }
  parentPort?.postMessage(walker.drain(runs));
});
