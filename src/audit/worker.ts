// A worker thread of `artifacts audit`: started ahead, it waits for the policy's data and the run folders,
// builds the same classifier, walks the run folders it claims from the counter it shares with the other
// threads, and replies once with their sums and its bounded top-N lists (never a list of every file).
import { parentPort } from 'node:worker_threads';
import { Classifier } from '../policy/classifier.js';
import { POLICY_FILE, type Policy } from '../policy/policy.js';
import { FILES_SEEN, Walker, type WorkerSetup, walkRuns } from './audit.js';

parentPort?.once('message', (setup: WorkerSetup) => {
  // locate() only serves messages about the policy file, which a walk never gives.
  const policy: Policy = { ...setup.policy, locate: (key) => ({ file: POLICY_FILE, line: 1, column: 1, key }) };
  const classifier = new Classifier(policy, { ignoreCase: setup.ignoreCase });
  const { counters } = setup;
  // The walker reports every PROGRESS_EVERY files: the main thread adds the shared count to its own.
  let reported = 0;
  const walker = new Walker(classifier, setup.top, (files) => {
    Atomics.add(counters, FILES_SEEN, files - reported);
    reported = files;
  });
  const runs = walkRuns(walker, setup.tasks, counters);
  // The one reply; with no listener left, the thread then ends.
  parentPort?.postMessage(walker.output(runs));
});
