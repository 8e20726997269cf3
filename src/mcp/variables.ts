import * as os from 'node:os';
import * as path from 'node:path';

export interface VariableContext {
  workspaceFolder: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** A variable VS Code would resolve but Fanout cannot (yet); the server that uses it is disabled with this message. */
export class UnsupportedVariableError extends Error {}

/**
 * Resolves the predefined variables VS Code users write in mcp.json. `${input:...}` needs a prompt Fanout does not
 * have yet, and `${command:...}`/`${config:...}` need the editor: each is refused with advice rather than passed on
 * literally, which would start the server with a nonsense argument or key.
 */
export function resolveVariables(value: string, ctx: VariableContext): string {
  return value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder' || name === 'workspaceRoot') return ctx.workspaceFolder;
    if (name === 'workspaceFolderBasename') return path.basename(ctx.workspaceFolder);
    if (name === 'userHome') return os.homedir();
    if (name === 'pathSeparator' || name === '/') return path.sep;
    if (name.startsWith('env:')) return ctx.env[name.slice(4)] ?? '';
    if (name.startsWith('input:')) {
      throw new UnsupportedVariableError(`${whole} is not supported yet: Fanout cannot prompt for inputs. Put the value in the server's "env" (or use \${env:NAME}) instead.`);
    }
    throw new UnsupportedVariableError(`${whole} is not supported: use \${workspaceFolder}, \${workspaceFolderBasename}, \${userHome}, \${pathSeparator} or \${env:NAME}.`);
  });
}
