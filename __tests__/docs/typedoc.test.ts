/** The API reference builds without a warning (typedoc.json has treatWarningsAsErrors): every public export is documented and every link resolves. */

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

test('typedoc: 0 errors, 0 warnings', () => {
  const root = path.join(__dirname, '..', '..');
  let output = '';
  try {
    output = execFileSync(process.execPath, [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw new Error(`typedoc failed:\n${output}`);
  }
  expect(output).not.toMatch(/warning/i);
}, 180_000);
