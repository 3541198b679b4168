// Writes the commune attribute table used by the join scale test: code,nom,population of every current
// commune ("commune-actuelle") of @etalab/decoupage-administratif (a later vintage than the 2018
// boundaries in layers/cache/communes.geojson, so some codes differ on both sides).
//   node tests/data-etalab/extract.mjs OUT.csv
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const communes = require('@etalab/decoupage-administratif/data/communes.json');
const version = require('@etalab/decoupage-administratif/package.json').version;
const out = process.argv[2];
if (!out) {
  console.error('usage: node extract.mjs OUT.csv');
  process.exit(2);
}
const quote = (s) => (/[",\n;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const rows = communes
  .filter((c) => c.type === 'commune-actuelle')
  .map((c) => [c.code, quote(c.nom), c.population ?? ''].join(','));
writeFileSync(out, ['code,nom,population', ...rows].join('\n') + '\n');
console.log(`${rows.length} communes from @etalab/decoupage-administratif ${version} → ${out}`);
