// Minifies every JavaScript file in dist/ in place with the pinned terser (tools/package.json), then
// renews the Subresource Integrity hash of each page's reference to a file it changed (Trunk writes
// `integrity=sha384-…` for the scripts it links, which the minified bytes would no longer match).
//   node scripts/minify-dist.mjs [dist]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';

const require = createRequire(new URL('../tools/package.json', import.meta.url));
const { minify } = require('terser');

const dist = process.argv[2] ?? 'dist';
const files = readdirSync(dist, { recursive: true }).map((f) => join(dist, f));

const changed = new Map(); // file name → new integrity value
let before = 0;
let after = 0;
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(file, 'utf8');
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  writeFileSync(file, code);
  before += Buffer.byteLength(source);
  after += Buffer.byteLength(code);
  const digest = createHash('sha384').update(code).digest('base64');
  changed.set(basename(file), `sha384-${digest}`);
}

// A tag that names a changed file and carries an integrity attribute gets the new hash.
let renewed = 0;
for (const page of files.filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(page, 'utf8');
  const updated = html.replace(/<[^>]*\bintegrity=[^>]*>/g, (tag) => {
    const target = /\b(?:src|href)="?([^"\s>]+)/.exec(tag)?.[1];
    const integrity = target && changed.get(basename(target));
    if (!integrity) return tag;
    renewed += 1;
    return tag.replace(/\bintegrity=("?)sha(?:256|384|512)-[A-Za-z0-9+/=]+\1/, `integrity=$1${integrity}$1`);
  });
  if (updated !== html) writeFileSync(page, updated);
}
console.log(
  `minify-dist: ${changed.size} JavaScript files, ${before} → ${after} bytes; ` +
    `${renewed} integrity hash(es) renewed in ${relative('.', dist) || '.'}`,
);
