// The CSV and MLflow field sources, layout detection (bounded reads) and preset combination.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractRow } from '../../src/manifest/extract.js';
import { csvLastRow, mlflowLastValue, parseCsv } from '../../src/manifest/tabular.js';
import { Classifier } from '../../src/policy/classifier.js';
import { detectPresets, type DetectIo, fsIo, PEEK, PROBE_BUDGET } from '../../src/policy/detect.js';
import { parsePolicy } from '../../src/policy/load.js';
import { combinePresets, describePresets, listPresets, readPreset } from '../../src/policy/presets.js';
import { ConfigError, UserError } from '../../src/errors.js';

const policyWith = (fields: string, track = '[metrics.csv, "metrics/*"]') =>
  `version: 1\nroots:\n  - path: logs\n    run: "version_{n}"\n    track: ${track}\n    manifest: m.json\n    fields:\n${fields}\n`;

describe('CSV last row source', () => {
  it('reads a column of the last non-empty row, numbers as numbers, empty cells as null, quotes and CRLF', () => {
    expect(csvLastRow('epoch,step,val_loss,name\r\n0,9,0.5,a\r\n1,19,,"b, ""c"""\r\n\r\n').value).toEqual({ epoch: 1, step: 19, val_loss: null, name: 'b, "c"' });
    expect(csvLastRow('a,b\n1e-3,-2\n').value).toEqual({ a: 0.001, b: -2 });
    expect(csvLastRow('a,b\n').value).toBeNull();
    expect(csvLastRow('').value).toBeNull();
    expect(csvLastRow('a\n"multi\nline"\n').value).toEqual({ a: 'multi\nline' });
    expect(csvLastRow('a\nnan\n').value).toEqual({ a: 'nan' });
  });
  it('reports malformed CSV with line:col', () => {
    expect(csvLastRow('a,b\n1,"open\n2,3\n')).toEqual({ ok: false, error: 'invalid CSV at 2:3: a quoted field is never closed' });
    expect(csvLastRow('a,b\n1,x"y\n')).toEqual({ ok: false, error: 'invalid CSV at 2:4: a quote inside an unquoted field (quote the whole field and double the quote)' });
    expect(csvLastRow('a,b\n"1"x,2\n')).toEqual({ ok: false, error: 'invalid CSV at 2:4: unexpected "x" after a closing quote (expected \',\' or the end of the line)' });
    expect(csvLastRow('a,b\n1,2\n3\n')).toEqual({ ok: false, error: 'invalid CSV at 3:1: the last row has 1 field, the header 2' });
    expect(parseCsv('x\n\n\ny\n')).toEqual({ ok: true, records: [{ fields: ['x'], line: 1 }, { fields: ['y'], line: 4 }] });
  });
});

describe('MLflow metric file source', () => {
  it('reads the value of the last "timestamp value step" line', () => {
    expect(mlflowLastValue('1714566600000 0.9 0\n1714566650000 0.25 1\n\n')).toEqual({ ok: true, value: 0.25 });
    expect(mlflowLastValue('1714566600000 3\n')).toEqual({ ok: true, value: 3 });
    expect(mlflowLastValue('1714566600000 nan 4\n')).toEqual({ ok: true, value: 'nan' });
    expect(mlflowLastValue('')).toEqual({ ok: true, value: null });
  });
  it('reports a malformed last line with line:col', () => {
    expect(mlflowLastValue('1 0.5 0\n1714566600000 abc 1\n')).toEqual({ ok: false, error: 'invalid MLflow metric at 2:15: the value "abc" is not a number' });
    expect(mlflowLastValue('x 0.5 1\n')).toEqual({ ok: false, error: 'invalid MLflow metric at 1:1: the timestamp "x" is not an integer' });
    expect(mlflowLastValue('1 0.5 1.5\n')).toEqual({ ok: false, error: 'invalid MLflow metric at 1:7: the step "1.5" is not an integer' });
    expect(mlflowLastValue('1 2 3 4\n').ok).toBe(false);
  });
  it('feeds manifest rows, with a row error (line:col) for a malformed file and null for a missing one', () => {
    const root = parsePolicy(policyWith('      loss: metrics/loss#mlflow\n      val: metrics.csv#last/val_loss')).roots[0]!;
    const run = { runPath: 'logs/version_0', captures: { n: '0' } };
    const good = extractRow(root, run, new Map([['metrics/loss', Buffer.from('1 0.5 0\n2 0.25 1\n')], ['metrics.csv', Buffer.from('epoch,val_loss\n0,0.4\n')]]));
    expect(good.row).toEqual({ n: '0', path: 'version_0', loss: 0.25, val: 0.4 });
    const bad = extractRow(root, run, new Map([['metrics/loss', Buffer.from('1 oops 0\n')], ['metrics.csv', null]]));
    expect(bad.row).toEqual({ n: '0', path: 'version_0', loss: null, val: null, errors: ['metrics/loss: invalid MLflow metric at 1:3: the value "oops" is not a number'] });
    expect(bad.warnings).toHaveLength(1);
  });
  it('refuses malformed sources with file:line:col:key', () => {
    const fails = (fields: string, track?: string) => {
      try {
        parsePolicy(policyWith(fields, track), 'p.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fails('      v: metrics.csv#/val_loss')).toMatch(/^p\.yaml:8:10: roots\[0\]\.fields\.v: .*write "metrics\.csv#last\/COLUMN"/);
    expect(fails('      v: metrics.csv')).toMatch(/^p\.yaml:8:10: roots\[0\]\.fields\.v: .*CSV file without a column/);
    expect(fails('      v: metrics.csv#mlflow')).toMatch(/^p\.yaml:8:10: roots\[0\]\.fields\.v: .*"#mlflow" reads an MLflow metric file/);
    expect(fails('      v: metrics/loss#last')).toMatch(/^p\.yaml:8:10: roots\[0\]\.fields\.v: .*"#mlflow"/);
    expect(fails('      v: params/lr#mlflow')).toMatch(/^p\.yaml:8:7: roots\[0\]\.fields\.v: reads params\/lr, but the policy does not track it/);
  });
});

describe('detection', () => {
  let dir: string;
  const make = (files: Record<string, string>) => {
    dir = mkdtempSync(path.join(tmpdir(), 'artifacts-detect-'));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names each layout with its evidence and combines them; runs/ goes to llm-eval when both shapes are there', () => {
    const root = make({
      'mlruns/0/meta.yaml': '',
      'mlruns/0/abc/meta.yaml': '',
      'outputs/2024-05-01/12-30-00/.hydra/config.yaml': '',
      'lightning_logs/version_3/metrics.csv': '',
      'runs/gsm8k/r1/openai/gpt-4o/off/results.summary.json': '',
      'runs/chatdev/r2/metrics.json': '',
      'exp/12/run.json': '',
      'exp/12/config.json': '',
      'notes/1/readme.md': '',
    });
    const found = detectPresets(root);
    expect(found.findings).toEqual([
      { preset: 'llm-eval', evidence: 'runs/gsm8k/r1/openai/gpt-4o/off/results.summary.json' },
      { preset: 'mlflow', evidence: 'mlruns/0/abc/meta.yaml' },
      { preset: 'hydra', evidence: 'outputs/2024-05-01/12-30-00/.hydra/config.yaml', roots: ['outputs'] },
      { preset: 'lightning', evidence: 'lightning_logs/version_3/metrics.csv' },
      { preset: 'sacred', evidence: 'exp/12/run.json', rootPath: 'exp' },
    ]);
    expect(found.notes[0]).toBe('found runs/gsm8k/r1/openai/gpt-4o/off/results.summary.json: preset llm-eval');
    expect(found.notes.at(-1)).toMatch(/also looks like runs, which keeps its runs in runs\/ too: llm-eval was chosen/);
    expect(found.choices.map((c) => c.name)).toEqual(['llm-eval', 'mlflow', 'hydra', 'lightning', 'sacred']);
  });

  it('finds nothing in an empty repository and says the default applies; never follows a symlinked layout', () => {
    const root = make({ 'README.md': '', 'elsewhere/0/abc/meta.yaml': '' });
    symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'mlruns'));
    const found = detectPresets(root);
    expect(found.findings).toEqual([]);
    expect(found.choices).toEqual([{ name: 'runs' }]);
    expect(found.notes).toEqual(['no known layout found at the top of the repository: preset runs (the default)']);
  });

  it('never descends into large folders: at most PEEK entries of a folder of 10,000 are read, and the probe budget holds', () => {
    const root = make({ 'README.md': '' });
    for (let i = 0; i < 10_000; i++) mkdirSync(path.join(root, 'mlruns', String(i)), { recursive: true });
    const real = fsIo(root);
    const listed = new Map<string, number>();
    let reads = 0;
    const counting: DetectIo = {
      ...real,
      list(rel, max) {
        const entries = real.list(rel, max);
        reads++;
        listed.set(rel, (listed.get(rel) ?? 0) + entries.length);
        return entries;
      },
    };
    const found = detectPresets(root, counting);
    expect(found.findings).toEqual([]);
    // The folder of 10,000 experiments was read a bounded number of times, PEEK entries each time.
    expect(listed.get('mlruns')).toBeLessThanOrEqual(2 * PEEK);
    expect([...listed.entries()].filter(([rel]) => rel.startsWith('mlruns/')).length).toBeLessThanOrEqual(2 * PROBE_BUDGET);
    expect(reads).toBeLessThan(400);
  });
});


describe('presets and their combination', () => {
  it('every preset parses, has a one-line description, and its tracked field sources are tracked', async () => {
    const names = await listPresets();
    expect(names).toEqual(['experiments', 'hydra', 'lightning', 'llm-eval', 'mlflow', 'orchestrator', 'results', 'runs', 'sacred', 'wandb']);
    const infos = await describePresets();
    expect(infos.map((info) => info.name)).toEqual(names);
    for (const info of infos) {
      expect(info.description.length).toBeGreaterThan(20);
      const policy = parsePolicy(await readPreset(info.name), `${info.name}.yaml`);
      expect(new Classifier(policy).roots.length).toBe(info.roots.length);
    }
  });

  it('one preset unchanged is its file byte for byte', async () => {
    expect(await combinePresets([{ name: 'mlflow' }])).toBe(await readPreset('mlflow'));
  });

  it('combines mlflow + hydra (narrowed to outputs) + wandb into valid YAML with every root, comments kept, never and ignore unioned', async () => {
    const text = await combinePresets([{ name: 'mlflow' }, { name: 'hydra', roots: ['outputs'] }, { name: 'wandb' }]);
    const policy = parsePolicy(text);
    expect(policy.roots.map((r) => r.path)).toEqual(['mlruns', 'outputs', 'wandb']);
    expect(policy.never.map((p) => p.text)).toEqual(['secrets.json', '.env', '*.pem', '.netrc']);
    expect(policy.ignore.map((p) => p.text)).toEqual(['mlruns/.trash/', 'mlruns/models/', 'mlflow.db', 'mlartifacts/']);
    expect(text.split('\n')[0]).toBe('# preset mlflow + hydra + wandb: 3 presets combined by `artifacts init`');
    expect(text).toContain('# hydra.run.dir: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}');
    expect(text).toContain('# loss: metrics/loss#mlflow');
    const classifier = new Classifier(policy);
    expect(classifier.classify('mlruns/.trash/7/meta.yaml')).toBe('ignore');
    expect(classifier.classify('mlruns/0/abc/metrics/loss')).toBe('track');
    expect(classifier.classify('mlflow.db')).toBe('ignore');
    expect(classifier.classify('wandb/run-20240501_123000-a1b2c3d4/files/config.yaml')).toBe('track');
    expect(classifier.classify('wandb/offline-run-20240501_123000-a1b2c3d4/run-a1b2c3d4.wandb')).toBe('ignore');
    expect(classifier.classify('wandb/latest-run')).toBe('ignore');
  });

  it('adds the ignore list when the first preset has none, and moves a sacred root', async () => {
    const text = await combinePresets([{ name: 'sacred', rootPath: 'exp_logs' }, { name: 'mlflow' }]);
    const policy = parsePolicy(text);
    expect(policy.roots.map((r) => r.path)).toEqual(['exp_logs', 'mlruns']);
    expect(policy.ignore.map((p) => p.text)).toContain('mlflow.db');
    expect(text.indexOf('\nignore:')).toBeLessThan(text.indexOf('\nnever:'));
  });

  it('refuses presets whose roots overlap, and unknown or repeated names', async () => {
    await expect(combinePresets([{ name: 'runs' }, { name: 'llm-eval' }])).rejects.toThrow(
      'presets runs and llm-eval both keep their runs in runs/ and cannot be combined: pick one (--preset runs or --preset llm-eval).',
    );
    await expect(combinePresets([{ name: 'nope' }])).rejects.toBeInstanceOf(UserError);
    await expect(combinePresets([{ name: 'mlflow' }, { name: 'mlflow' }])).rejects.toThrow(/named twice/);
  });
});
