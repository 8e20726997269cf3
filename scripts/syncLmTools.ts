// npm run sync:lm-tools — writes package.json's contributes.languageModelTools from the tools themselves
// (src/vscode/lmToolManifest.ts). test/unit/lmTools.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lmToolContributions } from '../src/vscode/lmToolManifest';

const file = path.join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8')) as { contributes: Record<string, unknown> };
pkg.contributes.languageModelTools = lmToolContributions();
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(`package.json: ${lmToolContributions().length} language model tools\n`);
