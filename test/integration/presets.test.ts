// Each preset on a hand-made tree in its tool's real layout (names exactly as the tool writes them):
// `init` without --preset detects it, `git add -A` stages the small files and none of the large ones, and a
// commit through the hook writes the manifest rows. Then a repository with two tools gets one policy with
// the roots of both, which check, the hook, the manifests, audit and snapshot all handle.
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitThroughHook, putCliOnPath, tryGit, withGitRepo, type TestRepo } from '../helpers/repo.js';

const BIG = Buffer.alloc(2 * 1024 * 1024, 7); // over limits.file: must never be staged

const INSTALLED = ['.gitattributes', '.gitignore', '.husky/pre-commit', 'artifacts.policy.yaml'];

function initDetect(repo: TestRepo, preset: string): { stdout: string; detected: Array<{ preset: string; evidence: string }> } {
  putCliOnPath(repo);
  const init = repo.cli('init', '--json');
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  const result = JSON.parse(init.stdout);
  expect(result.detected.map((d: { preset: string }) => d.preset)).toEqual([preset]);
  expect(result.check.ok).toBe(true);
  return { stdout: init.stdout, detected: result.detected };
}

function commitAll(repo: TestRepo): void {
  const commit = commitThroughHook(repo, 'runs');
  expect(commit.out).not.toMatch(/blocked/);
  expect(commit.code).toBe(0);
}

const manifestRows = (repo: TestRepo, file: string) => JSON.parse(repo.git('show', `HEAD:${file}`)).runs;

describe('presets: detection, staged set and manifest rows on each tool layout', () => {
  it('mlflow: mlruns/<experiment>/<run>/ tracks meta, metrics, params, tags; artifacts, .trash, models and mlflow.db stay out', async () => {
    await withGitRepo(async (repo) => {
      const run = 'mlruns/0/3f2a9c1b5d7e4f60a1b2c3d4e5f60718';
      repo.write({
        'mlruns/0/meta.yaml': 'artifact_location: file:///work/mlruns/0\nexperiment_id: "0"\nlifecycle_stage: active\nname: Default\n',
        [`${run}/meta.yaml`]: 'artifact_uri: file:///work/mlruns/0/3f2a/artifacts\nend_time: 1714566700000\nexperiment_id: "0"\nlifecycle_stage: active\nrun_id: 3f2a9c1b5d7e4f60a1b2c3d4e5f60718\nrun_name: bright-fox-1\nstart_time: 1714566600000\nstatus: 3\n',
        [`${run}/metrics/loss`]: '1714566600000 0.9 0\n1714566650000 0.25 1\n',
        [`${run}/metrics/accuracy`]: '1714566650000 0.87 1\n',
        [`${run}/params/lr`]: '0.01',
        [`${run}/tags/mlflow.runName`]: 'bright-fox-1',
        [`${run}/tags/mlflow.source.name`]: 'train.py',
        [`${run}/artifacts/model/model.pkl`]: BIG,
        [`${run}/artifacts/model/MLmodel`]: 'flavors: {}\n',
        'mlruns/.trash/7/meta.yaml': 'name: deleted\n',
        'mlruns/models/churn/meta.yaml': 'name: churn\n',
        'mlflow.db': BIG,
        'train.py': 'print("hi")\n',
      });
      const { detected } = initDetect(repo, 'mlflow');
      expect(detected[0]?.evidence).toBe(`${run}/meta.yaml`);
      repo.git('add', '-A');
      expect(repo.staged()).toEqual(
        [
          ...INSTALLED,
          'mlruns/0/meta.yaml',
          `${run}/meta.yaml`,
          `${run}/metrics/accuracy`,
          `${run}/metrics/loss`,
          `${run}/params/lr`,
          `${run}/tags/mlflow.runName`,
          `${run}/tags/mlflow.source.name`,
          'train.py',
        ].sort(),
      );
      commitAll(repo);
      expect(manifestRows(repo, 'mlruns/runs_manifest.json')).toEqual([
        { experiment_id: '0', run_id: '3f2a9c1b5d7e4f60a1b2c3d4e5f60718', path: '0/3f2a9c1b5d7e4f60a1b2c3d4e5f60718', run_name: 'bright-fox-1', status: 3, start_time: 1714566600000, end_time: 1714566700000 },
      ]);
    });
  });

  it('wandb: run-*/offline-run-* track config, summary, metadata, requirements; .wandb, media, logs, tmp and latest-run stay out', async () => {
    await withGitRepo(async (repo) => {
      const online = 'wandb/run-20240501_123000-a1b2c3d4';
      const offline = 'wandb/offline-run-20240502_080000-zz9yx8w7';
      const files = (run: string, id: string) => ({
        [`${run}/files/config.yaml`]: 'wandb_version: 1\nlr:\n  desc: null\n  value: 0.01\n',
        [`${run}/files/wandb-summary.json`]: '{"loss": 0.25, "_runtime": 61.5, "_step": 99}',
        [`${run}/files/wandb-metadata.json`]: '{"startedAt": "2024-05-01T12:30:00.000000Z", "program": "train.py", "git": {"commit": "abc123"}}',
        [`${run}/files/requirements.txt`]: 'torch==2.3.0\n',
        [`${run}/files/output.log`]: 'epoch 1\n',
        [`${run}/files/media/images/sample_0_abc.png`]: BIG,
        [`${run}/logs/debug.log`]: 'debug\n',
        [`${run}/logs/debug-internal.log`]: 'debug\n',
        [`${run}/tmp/code/train.py`]: 'x\n',
        [`${run}/run-${id}.wandb`]: BIG,
      });
      repo.write({ ...files(online, 'a1b2c3d4'), ...files(offline, 'zz9yx8w7'), 'wandb/debug.log': 'x\n', 'wandb/debug-internal.log': 'x\n' });
      symlinkSync('run-20240501_123000-a1b2c3d4', path.join(repo.dir, 'wandb', 'latest-run'));
      const { detected } = initDetect(repo, 'wandb');
      expect(detected[0]?.evidence).toMatch(/^wandb\/(offline-)?run-2024050\d_\d{6}-\w+\/files\/wandb-metadata\.json$/);
      repo.git('add', '-A');
      const tracked = (run: string) => ['config.yaml', 'wandb-summary.json', 'wandb-metadata.json', 'requirements.txt'].map((f) => `${run}/files/${f}`);
      expect(repo.staged()).toEqual([...INSTALLED, ...tracked(online), ...tracked(offline)].sort());
      commitAll(repo);
      expect(manifestRows(repo, 'wandb/runs_manifest.json')).toEqual([
        { run_id: 'zz9yx8w7', path: 'offline-run-20240502_080000-zz9yx8w7', started_at: '2024-05-01T12:30:00.000000Z', program: 'train.py', git_commit: 'abc123', runtime: 61.5, step: 99 },
        { run_id: 'a1b2c3d4', path: 'run-20240501_123000-a1b2c3d4', started_at: '2024-05-01T12:30:00.000000Z', program: 'train.py', git_commit: 'abc123', runtime: 61.5, step: 99 },
      ]);
    });
  });

  it('hydra: outputs/<date>/<time>/ and multirun/<date>/<time>/<job>/ track .hydra/*.yaml and multirun.yaml; logs and checkpoints stay out', async () => {
    await withGitRepo(async (repo) => {
      const single = 'outputs/2024-05-01/12-30-00';
      const sweep = 'multirun/2024-05-02/08-00-00';
      const hydraFiles = (dir: string, overrides: string) => ({
        [`${dir}/.hydra/config.yaml`]: 'lr: 0.1\n',
        [`${dir}/.hydra/hydra.yaml`]: 'hydra:\n  job:\n    name: train\n',
        [`${dir}/.hydra/overrides.yaml`]: `- ${overrides}\n`,
        [`${dir}/train.log`]: 'log\n',
        [`${dir}/model.ckpt`]: BIG,
      });
      repo.write({ ...hydraFiles(single, 'lr=0.1'), ...hydraFiles(`${sweep}/0`, 'lr=0.1'), ...hydraFiles(`${sweep}/1`, 'lr=0.2'), [`${sweep}/multirun.yaml`]: 'hydra:\n  mode: MULTIRUN\n' });
      initDetect(repo, 'hydra');
      repo.git('add', '-A');
      const dotHydra = (dir: string) => ['config.yaml', 'hydra.yaml', 'overrides.yaml'].map((f) => `${dir}/.hydra/${f}`);
      expect(repo.staged()).toEqual([...INSTALLED, ...dotHydra(single), ...dotHydra(`${sweep}/0`), ...dotHydra(`${sweep}/1`), `${sweep}/multirun.yaml`].sort());
      commitAll(repo);
      expect(manifestRows(repo, 'outputs/runs_manifest.json')).toEqual([{ date: '2024-05-01', time: '12-30-00', path: '2024-05-01/12-30-00', job: 'train', overrides: ['lr=0.1'] }]);
      expect(manifestRows(repo, 'multirun/runs_manifest.json')).toEqual([
        { date: '2024-05-02', time: '08-00-00', job: '0', path: '2024-05-02/08-00-00/0', overrides: ['lr=0.1'] },
        { date: '2024-05-02', time: '08-00-00', job: '1', path: '2024-05-02/08-00-00/1', overrides: ['lr=0.2'] },
      ]);
    });
  });

  it('lightning: lightning_logs/version_<n>/ tracks hparams.yaml and metrics.csv; checkpoints and event files stay out; fields from the last CSV row', async () => {
    await withGitRepo(async (repo) => {
      repo.write({
        'lightning_logs/version_0/hparams.yaml': 'lr: 0.001\nbatch_size: 32\n',
        'lightning_logs/version_0/metrics.csv': 'epoch,step,train_loss,val_loss\n0,49,0.9,\n0,49,,0.8\n1,99,0.5,\n1,99,,0.45\n',
        'lightning_logs/version_0/checkpoints/epoch=1-step=100.ckpt': BIG,
        'lightning_logs/version_0/events.out.tfevents.1714566600.host.1234.0': BIG,
        'lightning_logs/version_1/hparams.yaml': 'lr: 0.01\n',
        'lightning_logs/version_1/metrics.csv': 'epoch,step,train_loss\n0,9,"1,5"\n',
      });
      initDetect(repo, 'lightning');
      repo.git('add', '-A');
      expect(repo.staged()).toEqual(
        [...INSTALLED, 'lightning_logs/version_0/hparams.yaml', 'lightning_logs/version_0/metrics.csv', 'lightning_logs/version_1/hparams.yaml', 'lightning_logs/version_1/metrics.csv'].sort(),
      );
      commitAll(repo);
      expect(manifestRows(repo, 'lightning_logs/runs_manifest.json')).toEqual([
        { version: '0', path: 'version_0', epoch: 1, step: 99 },
        { version: '1', path: 'version_1', epoch: 0, step: 9 },
      ]);
    });
  });

  it('sacred: <basedir>/<id>/ tracks config, run, metrics, info and _sources/; cout.txt and artifacts stay out; the basedir is detected', async () => {
    await withGitRepo(async (repo) => {
      const run = (id: number, status: string) => ({
        [`exp_logs/${id}/config.json`]: '{"lr": 0.1, "seed": 1}',
        [`exp_logs/${id}/run.json`]: JSON.stringify({ experiment: { name: 'mnist' }, status, start_time: '2024-05-01T12:30:00.000000', stop_time: '2024-05-01T12:40:00.000000', result: 0.97 }),
        [`exp_logs/${id}/metrics.json`]: '{"loss": {"steps": [0], "timestamps": ["2024-05-01T12:31:00"], "values": [0.5]}}',
        [`exp_logs/${id}/info.json`]: '{}',
        [`exp_logs/${id}/cout.txt`]: 'stdout\n',
        [`exp_logs/${id}/model.pt`]: BIG,
      });
      repo.write({ ...run(1, 'COMPLETED'), ...run(2, 'FAILED'), 'exp_logs/_sources/train_4bd0f9a5a8dc3a6a7f9d0d1e4c3f6b8a.py': 'print(1)\n', 'exp_logs/_resources/data_0a1b2c3d4e5f60718293a4b5c6d7e8f9.csv': BIG });
      const { detected } = initDetect(repo, 'sacred');
      expect(detected[0]?.evidence).toMatch(/^exp_logs\/[12]\/run\.json$/);
      expect(readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8')).toMatch(/- path: exp_logs/);
      repo.git('add', '-A');
      const tracked = (id: number) => ['config.json', 'run.json', 'metrics.json', 'info.json'].map((f) => `exp_logs/${id}/${f}`);
      expect(repo.staged()).toEqual([...INSTALLED, ...tracked(1), ...tracked(2), 'exp_logs/_sources/train_4bd0f9a5a8dc3a6a7f9d0d1e4c3f6b8a.py'].sort());
      commitAll(repo);
      const common = { experiment: 'mnist', start_time: '2024-05-01T12:30:00.000000', stop_time: '2024-05-01T12:40:00.000000', result: 0.97 };
      expect(manifestRows(repo, 'exp_logs/runs_manifest.json')).toEqual([
        { id: '1', path: '1', ...common, status: 'COMPLETED' },
        { id: '2', path: '2', ...common, status: 'FAILED' },
        { id: '_sources', path: '_sources', experiment: null, status: null, start_time: null, stop_time: null, result: null },
      ]);
    });
  });

  it('llm-eval: runs/<suite>/<run>/<provider>/<model>/<thinking_mode>/ tracks results and manifests; provenance, reports/ and secrets.json stay out', async () => {
    await withGitRepo(async (repo) => {
      const target = 'runs/gsm8k/2025-01-06_baseline/openai/gpt-4o/off';
      repo.write({
        [`${target}/results.jsonl`]: '{"id": 1, "correct": true}\n',
        [`${target}/results.provenance.jsonl`]: BIG,
        [`${target}/results.summary.json`]: '{"accuracy": 0.91, "n": 100}',
        [`${target}/run.manifest.json`]: '{"suite": "gsm8k"}',
        [`${target}/run.invocations.jsonl`]: '{"timestamp": "2025-01-06T10:00:00Z"}\n{"timestamp": "2025-01-06T11:00:00Z", "submit_only": true}\n',
        'reports/exports/q1.txt': 'prompt\n',
        'secrets.json': '{"openai": "sk-..."}',
      });
      initDetect(repo, 'llm-eval');
      repo.git('add', '-A');
      expect(repo.staged()).toEqual([...INSTALLED, `${target}/results.jsonl`, `${target}/results.summary.json`, `${target}/run.invocations.jsonl`, `${target}/run.manifest.json`].sort());
      commitAll(repo);
      const manifest = JSON.parse(repo.git('show', 'HEAD:runs/runs_manifest.json'));
      expect(manifest.last_updated).toBe('2025-01-06T11:00:00Z');
      expect(manifest.runs).toEqual([
        { suite: 'gsm8k', run: '2025-01-06_baseline', provider: 'openai', model: 'gpt-4o', thinking_mode: 'off', path: 'gsm8k/2025-01-06_baseline/openai/gpt-4o/off', accuracy: 0.91, last_invocation: '2025-01-06T11:00:00Z' },
      ]);
    });
  });

  it('orchestrator: .runs/<task>/cli/<run>/ tracks manifest, commands, errors and task metrics; runner.ndjson, .heartbeat and .resume-token stay out', async () => {
    await withGitRepo(async (repo) => {
      const run = '.runs/0101/cli/2025-01-06T10-00-00Z-3f2a';
      repo.write({
        [`${run}/manifest.json`]: '{"status": "succeeded", "heartbeat_at": "2025-01-06T10:05:00Z", "summary": "ok"}',
        [`${run}/runner.ndjson`]: BIG,
        [`${run}/.heartbeat`]: '2025-01-06T10:05:00Z',
        [`${run}/.resume-token`]: 'c2VjcmV0LXRva2VuLTMyLWJ5dGVzLWxvbmctLS0tLQ==',
        [`${run}/commands/01-spec-guard.ndjson`]: '{"event": "start"}\n',
        [`${run}/errors/02-build.json`]: '{"exit_code": 1}',
        '.runs/0101/metrics.json': '{"run_id": "2025-01-06T10-00-00Z-3f2a", "status": "succeeded"}\n',
        '.runs/0101/metrics-summary.json': '{"success_rate": 1}',
        '.runs/0101/mcp/2025-01-06T10-00-00Z-3f2a/manifest.json': '{"pointer": true}',
        '.runs/0101/migrations/20250106T100000Z.log': 'migrated\n',
        '.runs/local-mcp/old-run/manifest.json': '{}',
      });
      initDetect(repo, 'orchestrator');
      repo.git('add', '-A');
      expect(repo.staged()).toEqual(
        [...INSTALLED, `${run}/manifest.json`, `${run}/commands/01-spec-guard.ndjson`, `${run}/errors/02-build.json`, '.runs/0101/metrics.json', '.runs/0101/metrics-summary.json'].sort(),
      );
      commitAll(repo);
      expect(manifestRows(repo, '.runs/runs_manifest.json')).toEqual([
        { task_id: '0101', run_id: '2025-01-06T10-00-00Z-3f2a', path: '0101/cli/2025-01-06T10-00-00Z-3f2a', status: 'succeeded', heartbeat_at: '2025-01-06T10:05:00Z', summary: 'ok' },
      ]);
    });
  });

  it('experiments: _artifacts/experiments/<run>/ tracks plan, results, pairs and the runs index; the full plan, log, images stay out', async () => {
    await withGitRepo(async (repo) => {
      const run = '_artifacts/experiments/20250106_101500_prompt_ablation';
      repo.write({
        [`${run}/experiment.log`]: 'log\n',
        [`${run}/experiment_plan.json`]: '{"experiment_meta": {"base_seed": 1234}}',
        [`${run}/experiment_plan_full.json`]: BIG,
        [`${run}/experiment_results.json`]: '{"runs": []}',
        [`${run}/pairs.json`]: '{"pairs": []}',
        [`${run}/logs/runs_index.jsonl`]: '{"run": 0}\n',
        [`${run}/logs/run_0_transcript.txt`]: 'transcript\n',
        [`${run}/generated/titles_manifest.csv`]: 'a,b\n',
        [`${run}/generated/img_0.png`]: BIG,
        [`${run}/upscaled/img_0.png`]: BIG,
      });
      initDetect(repo, 'experiments');
      repo.git('add', '-A');
      expect(repo.staged()).toEqual(
        [...INSTALLED, `${run}/experiment_plan.json`, `${run}/experiment_results.json`, `${run}/pairs.json`, `${run}/logs/runs_index.jsonl`].sort(),
      );
      commitAll(repo);
      expect(manifestRows(repo, '_artifacts/experiments/runs_manifest.json')).toEqual([{ run_id: '20250106_101500_prompt_ablation', path: '20250106_101500_prompt_ablation', base_seed: 1234 }]);
    });
  });

  it('results: results/*.jsonl stay ignored until a snapshot pins them; check accepts the pinned files', async () => {
    await withGitRepo(async (repo) => {
      repo.write({
        'results/applike_run1_20260220_014556.jsonl': '{"meta": true}\n',
        'results/baseline_run1_20260220_014556.jsonl': '{"meta": true}\n',
        'tests/experiment/capture.py': 'x = 1\n',
      });
      initDetect(repo, 'results');
      repo.git('add', '-A');
      // No manifest (a result file has no fields), so no merge driver line in .gitattributes.
      expect(repo.staged()).toEqual(['.gitignore', '.husky/pre-commit', 'artifacts.policy.yaml', 'tests/experiment/capture.py']);
      commitAll(repo);
      const snap = repo.cli('snapshot', 'results/*.jsonl', '-m', 'phase 10 inputs', '--json');
      expect(snap.stderr).toBe('');
      expect(snap.code).toBe(0);
      expect(repo.git('ls-files', 'results').split('\n').filter(Boolean)).toEqual(['results/applike_run1_20260220_014556.jsonl', 'results/baseline_run1_20260220_014556.jsonl']);
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(0);
      expect(JSON.parse(check.stdout).pinned).toEqual(['results/applike_run1_20260220_014556.jsonl', 'results/baseline_run1_20260220_014556.jsonl']);
    });
  });

  it('runs: the default layout is detected from runs/<framework>/<run>/metrics.json, and an empty repository gets it with a note', async () => {
    await withGitRepo(async (repo) => {
      const empty = repo.cli('init', '--no-hook', '--dry-run', '--json');
      expect(empty.code).toBe(0);
      expect(JSON.parse(empty.stdout).detected).toEqual([]);
      expect(JSON.parse(empty.stdout).steps[0].notes).toEqual(['no known layout found at the top of the repository: preset runs (the default)']);
      repo.write({ 'runs/chatdev/20250106T101737_8ef95137/metrics.json': '{"total_tokens_in": 10}', 'runs/chatdev/20250106T101737_8ef95137/run.log': BIG });
      const { detected } = initDetect(repo, 'runs');
      expect(detected).toEqual([{ preset: 'runs', evidence: 'runs/chatdev/20250106T101737_8ef95137/metrics.json' }]);
      repo.git('add', '-A');
      expect(repo.staged()).toEqual([...INSTALLED, 'runs/chatdev/20250106T101737_8ef95137/metrics.json'].sort());
    });
  });
});

describe('a repository with two tools gets one policy with two roots, handled everywhere', () => {
  it('mlflow + hydra: init, git add -A, a commit through the hook, a manifest per root, check clean, audit and snapshot per root', async () => {
    await withGitRepo(async (repo) => {
      const run = 'mlruns/0/3f2a9c1b5d7e4f60a1b2c3d4e5f60718';
      const out = 'outputs/2024-05-01/12-30-00';
      repo.write({
        'mlruns/0/meta.yaml': 'experiment_id: "0"\nname: Default\n',
        [`${run}/meta.yaml`]: 'run_id: 3f2a9c1b5d7e4f60a1b2c3d4e5f60718\nstatus: 3\nstart_time: 1714566600000\nend_time: 1714566700000\n',
        [`${run}/metrics/loss`]: '1714566600000 0.9 0\n1714566650000 0.25 1\n',
        [`${run}/params/lr`]: '0.01\n',
        [`${run}/tags/mlflow.runName`]: 'bright-fox-1\n',
        [`${run}/artifacts/model.pkl`]: BIG,
        [`${out}/.hydra/config.yaml`]: 'lr: 0.1\n',
        [`${out}/.hydra/hydra.yaml`]: 'hydra:\n  job:\n    name: train\n',
        [`${out}/.hydra/overrides.yaml`]: '- lr=0.1\n',
        [`${out}/train.log`]: 'log\n',
        [`${out}/model.ckpt`]: BIG,
      });
      putCliOnPath(repo);
      const init = repo.cli('init');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain(`found ${run}/meta.yaml: preset mlflow`);
      expect(init.stdout).toContain(`found ${out}/.hydra/config.yaml: preset hydra`);
      expect(init.stdout).toMatch(/created from preset mlflow \+ hydra/);
      // A user adds a metric field to the written policy (MLflow metric file source).
      const policyFile = path.join(repo.dir, 'artifacts.policy.yaml');
      const policy = readFileSync(policyFile, 'utf8');
      expect(policy).toContain('- path: mlruns');
      expect(policy).toContain('- path: outputs');
      expect(policy).not.toContain('- path: multirun');
      repo.write({ 'artifacts.policy.yaml': policy.replace('      # loss: metrics/loss#mlflow', '      loss: metrics/loss#mlflow') });

      repo.git('add', '-A');
      expect(repo.staged()).toEqual(
        [...INSTALLED, 'mlruns/0/meta.yaml', `${run}/meta.yaml`, `${run}/metrics/loss`, `${run}/params/lr`, `${run}/tags/mlflow.runName`, ...['config.yaml', 'hydra.yaml', 'overrides.yaml'].map((f) => `${out}/.hydra/${f}`)].sort(),
      );
      commitAll(repo);
      expect(manifestRows(repo, 'mlruns/runs_manifest.json')).toEqual([
        { experiment_id: '0', run_id: '3f2a9c1b5d7e4f60a1b2c3d4e5f60718', path: '0/3f2a9c1b5d7e4f60a1b2c3d4e5f60718', run_name: 'bright-fox-1', status: 3, start_time: 1714566600000, end_time: 1714566700000, loss: 0.25 },
      ]);
      expect(manifestRows(repo, 'outputs/runs_manifest.json')).toEqual([{ date: '2024-05-01', time: '12-30-00', path: '2024-05-01/12-30-00', job: 'train', overrides: ['lr=0.1'] }]);

      const check = repo.cli('check', '--json');
      expect(check.code).toBe(0);
      expect(JSON.parse(check.stdout).ok).toBe(true);
      expect(repo.cli('manifest', 'check').code).toBe(0);

      // A force-added checkpoint under the second root is blocked by the hook.
      repo.git('add', '-f', '--', `${out}/model.ckpt`);
      const blocked = tryGit(repo, ['commit', '-q', '-m', 'ckpt']);
      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr + blocked.stdout).toContain(`${out}/model.ckpt`);
      repo.git('restore', '--staged', '--', `${out}/model.ckpt`);

      const audit = JSON.parse(repo.cli('audit', '--json').stdout);
      expect(audit.roots.map((r: { path: string }) => r.path)).toEqual(['mlruns', 'outputs']);
      expect(audit.runs.map((r: { path: string }) => r.path).sort()).toEqual([out, run].sort());

      const snap = repo.cli('snapshot', out, '-m', 'paper', '--exclude', 'model.ckpt', '--json');
      expect(snap.code).toBe(0);
      expect(repo.git('ls-files', '--', `${out}/train.log`).trim()).toBe(`${out}/train.log`);
    });
  });
});
