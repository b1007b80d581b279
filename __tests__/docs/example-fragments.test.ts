/**
 * The `typescript` blocks of the guides that show parts of an example (docs/websockets.md, docs/proxy.md) are
 * verbatim pieces of files under examples/, which are compiled and run by tests; so no fragment can rot.
 */

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const examples = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(root, 'examples', f), 'utf8'));

test.each(['websockets.md', 'proxy.md'].filter((f) => existsSync(path.join(root, 'docs', f))))('every fragment of %s is in an example file', (doc) => {
  const text = readFileSync(path.join(root, 'docs', doc), 'utf8');
  const fragments = [...text.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(fragments.length).toBeGreaterThan(0);
  expect(fragments.filter((f) => !examples.some((e) => e.includes(f)))).toEqual([]);
});
