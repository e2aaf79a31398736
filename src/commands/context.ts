// What most commands start from: the repository, its policy and the compiled classifier.
import { openRepo, type Repo } from '../git/repo.js';
import { Classifier } from '../policy/classifier.js';
import { gitDirOf } from '../git/discover.js';
import { loadPolicyCached } from '../policy/cache.js';

export async function openPolicyContext(cwd: string): Promise<{ repo: Repo; classifier: Classifier }> {
  const repo = await openRepo(cwd);
  const policy = await loadPolicyCached(repo.root, gitDirOf(repo.root));
  return { repo, classifier: new Classifier(policy, { ignoreCase: repo.ignoreCase }) };
}
