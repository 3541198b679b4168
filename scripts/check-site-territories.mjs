// check-site-territories.mjs — checks layers/sites.csv against layers/territoires.csv, the communes layer
// and the commune → EPCI table, independently of the build (point in polygon, no GDAL).
//
//   node scripts/check-site-territories.mjs [SITES.csv TERRITOIRES.csv COMMUNES.geojson EPCI.csv]
//   (defaults: layers/sites.csv layers/territoires.csv layers/cache/communes.geojson
//    layers/cache/epci-2019.csv; fill the cache with scripts/fetch-layers.sh)
//
// For every site, prints the commune whose polygon contains its lon/lat and that commune's EPCI, and
// checks: (1) that commune is the site's `insee`; (2) the site has rows in territoires.csv; (3) every
// territory code exists (an `epci` code in the EPCI table, a `commune` code in the communes layer);
// (4) the point lies in its territory: the containing commune is one of the territory's communes, or
// its EPCI is one of the territory's EPCI. Exit status 1 when any check fails, 2 on unreadable input.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [sitesPath = join(root, 'layers/sites.csv'), territoiresPath = join(root, 'layers/territoires.csv'),
  communesPath = join(root, 'layers/cache/communes.geojson'), epciPath = join(root, 'layers/cache/epci-2019.csv')] =
  process.argv.slice(2);

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`check-site-territories: cannot read ${path}: ${e.message}`);
    return process.exit(2);
  }
};
// RFC 4180 CSV → array of objects keyed by the header
const parseCsv = (text) => {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
};

const sites = parseCsv(read(sitesPath));
const territoires = parseCsv(read(territoiresPath));
const epciRows = parseCsv(read(epciPath));
const layer = JSON.parse(read(communesPath));

const epciOf = new Map(epciRows.map((r) => [r.commune, r]));
const epciCodes = new Set(epciRows.map((r) => r.epci).filter((c) => c !== ''));
const communeName = new Map(layer.features.map((f) => [f.properties.code, f.properties.nom]));

// ring contains point (even-odd ray casting); polygon = outer ring minus holes
const inRing = (ring, x, y) => {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const inPolygon = (rings, x, y) => inRing(rings[0], x, y) && !rings.slice(1).some((h) => inRing(h, x, y));
const containing = (x, y) => {
  const found = [];
  for (const f of layer.features) {
    const g = f.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    if (polys.some((p) => inPolygon(p, x, y))) found.push(f.properties.code);
  }
  return found;
};

let failures = 0;
const fail = (msg) => { failures++; console.log(`  FAIL ${msg}`); };
for (const t of territoires) {
  if (t.niveau === 'epci' && !epciCodes.has(t.code)) fail(`territoires.csv: ${t.site}: EPCI ${t.code} is not in ${epciPath}`);
  else if (t.niveau === 'commune' && !communeName.has(t.code)) fail(`territoires.csv: ${t.site}: commune ${t.code} is not in ${communesPath}`);
  else if (t.niveau !== 'epci' && t.niveau !== 'commune') fail(`territoires.csv: ${t.site}: niveau '${t.niveau}' (expected epci or commune)`);
  if (!sites.some((s) => s.id === t.site)) fail(`territoires.csv: site '${t.site}' is not in ${sitesPath}`);
}
for (const s of sites) {
  const x = Number(s.lon);
  const y = Number(s.lat);
  const hits = containing(x, y);
  const at = hits.length === 1 ? hits[0] : undefined;
  const e = at ? epciOf.get(at) : undefined;
  console.log(`${s.id}: (${s.lon}, ${s.lat}) in ${hits.map((c) => `${c} ${communeName.get(c)}`).join(', ') || 'no commune'}` +
    (e ? `, EPCI ${e.epci || '(none)'} ${e.epci_nom}` : ''));
  if (hits.length !== 1) { fail(`${s.id}: the point lies in ${hits.length} communes`); continue; }
  if (at !== s.insee) fail(`${s.id}: insee ${s.insee} (${communeName.get(s.insee) ?? 'not a commune of the layer'}) but the point lies in ${at}`);
  const rows = territoires.filter((t) => t.site === s.id);
  if (rows.length === 0) { fail(`${s.id}: no territory in ${territoiresPath}`); continue; }
  const communes = new Set(rows.filter((t) => t.niveau === 'commune').map((t) => t.code));
  const epcis = new Set(rows.filter((t) => t.niveau === 'epci').map((t) => t.code));
  const inside = communes.has(at) || (e && epcis.has(e.epci));
  const what = [...(epcis.size ? [`EPCI ${[...epcis].join(' ')}`] : []), ...(communes.size ? [`${communes.size} commune(s)`] : [])].join(' + ');
  if (inside) console.log(`  ok   inside its territory (${what})`);
  else fail(`${s.id}: the point is outside its territory (${what})`);
}
console.log(failures === 0 ? `all ${sites.length} sites inside their territories` : `${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
