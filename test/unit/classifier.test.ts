// The classifier against the compiled block, evaluated in-process with the `ignore` package: the two are
// built separately from the same compiled policy, so a divergence is a bug in one of them. (Real git is
// the final word: see test/integration/differential.test.ts.)
import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { compileBlockLines } from '../../src/policy/block.js';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';
import { POLICIES, samplePaths, samplePolicyPaths } from '../helpers/universe.js';

const preset = POLICIES.default as string;

function viaIgnorePackage(classifier: Classifier) {
  const ig = ignore({ ignorecase: false }).add(compileBlockLines(classifier));
  return (file: string) => ig.ignores(file);
}

function isQuestionMarkOnMultibyte(policyText: string, file: string): boolean {
  return /\?/.test(policyText.replace(/^#.*$/gm, '')) && /[^\u0000-\u007f]/.test(file);
}

describe('classifier and compiled block agree', () => {
  for (const [name, text] of Object.entries(POLICIES)) {
    it(`on ${name}: every sampled file and folder`, () => {
      const classifier = new Classifier(parsePolicy(text));
      const ignored = viaIgnorePackage(classifier);
      let compared = 0;
      for (const compiled of classifier.roots) {
        const extra = compiled.root.run.map((s) => s.glob.replace(/\*/g, 'z'));
        const files = [
          ...samplePaths(compiled.root.path, 1500, 6, 7, extra),
          ...samplePolicyPaths(compiled.root, classifier.policy.never, 1500, 8),
        ];
        for (const file of files) {
          const verdict = classifier.classify(file);
          if (verdict === 'outside') continue;
          if (ignored(file) !== (verdict !== 'track')) {
            // The one known divergence: the ignore package reads '?' as one character, git as one byte
            // (test/integration/differential.test.ts proves git's reading with real git).
            expect({ file, divergence: isQuestionMarkOnMultibyte(text, file) }).toEqual({ file, divergence: true });
            continue;
          }
          const folder = file.slice(0, file.lastIndexOf('/'));
          if (folder !== compiled.root.path) {
            const folderVerdict = classifier.classifyFolder(folder);
            expect({ folder, ignoredByBlock: ignored(`${folder}/`) }).toEqual({ folder, ignoredByBlock: folderVerdict !== 'enter' });
          }
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });
  }

  it('captures the run pattern fields and the run folder', () => {
    const classifier = new Classifier(parsePolicy(POLICIES.nested as string));
    expect(classifier.runOf('wandb/run-20240101_120000-ab12cd/files/config.yaml')).toEqual({
      root: classifier.roots[0]?.root,
      runPath: 'wandb/run-20240101_120000-ab12cd',
      fields: { run_id: 'ab12cd' },
      inner: 'files/config.yaml',
    });
    expect(classifier.runOf('wandb/latest-run/files/x')).toBeUndefined();
  });

  it('decides by the precedence never > ignore > track > ignored by default', () => {
    const classifier = new Classifier(parsePolicy(preset));
    expect(classifier.classify('runs/chatdev/r1/metrics.json')).toBe('track');
    expect(classifier.classify('runs/chatdev/r1/run.log')).toBe('ignore');
    expect(classifier.classify('runs/chatdev/r1/workspace/notes.md')).toBe('ignore');
    expect(classifier.classify('runs/chatdev/r1/secrets.json')).toBe('never');
    expect(classifier.classify('runs/chatdev/r1/other.bin')).toBe('ignore');
    expect(classifier.classify('runs/chatdev/notes.md')).toBe('ignore');
    expect(classifier.classify('runs/runs_manifest.json')).toBe('track');
    expect(classifier.classify('src/app.py')).toBe('outside');
    expect(classifier.classify('config/.env')).toBe('never');
    expect(classifier.classifyFolder('runs/chatdev/r1/workspace')).toBe('ignore');
    expect(classifier.classifyFolder('runs/chatdev/r1')).toBe('enter');
  });

  it('folds ASCII case only when git does (core.ignoreCase)', () => {
    const sensitive = new Classifier(parsePolicy(preset));
    const folding = new Classifier(parsePolicy(preset), { ignoreCase: true });
    expect(sensitive.classify('runs/chatdev/r1/Metrics.json')).toBe('ignore');
    expect(folding.classify('runs/chatdev/r1/Metrics.json')).toBe('track');
    expect(folding.classify('RUNS/chatdev/r1/METRICS.JSON')).toBe('track');
    expect(folding.runOf('RUNS/ChatDev/R1/x')?.fields).toEqual({ framework: 'ChatDev', run_id: 'R1' });
  });
});
