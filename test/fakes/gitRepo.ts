import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempWorkspace } from './tempWorkspace';

/** A real git repository in a temp folder; commits are made as the given author (the test's own git config is not used). */
export function tempGitRepo(files: Record<string, string> = {}) {
  const ws = tempWorkspace(files);
  const git = (args: string[], author = 'Alice Example') =>
    execFileSync('git', args, {
      cwd: ws.dir,
      env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: `${author.split(' ')[0].toLowerCase()}@example.com`, GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'c@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: ws.dir },
    }).toString();
  git(['init', '-q', '-b', 'main']);
  return {
    ...ws,
    git,
    write: (rel: string, text: string) => writeFileSync(path.join(ws.dir, rel), text),
    commitAll: (message: string, author?: string) => {
      git(['add', '-A'], author);
      git(['commit', '-q', '-m', message], author);
    },
  };
}
