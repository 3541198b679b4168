// epci-membership.mjs — commune → EPCI table for the communes of the IGN 2018 layer, from the data files
// of @etalab/decoupage-administratif (an unpacked npm tarball). Called by scripts/fetch-layers.sh.
//
//   node scripts/epci-membership.mjs PACKAGE_DIR COMMUNES.geojson OUT.csv
//
// PACKAGE_DIR is the tarball's `package/` folder (package.json, data/epci.json, data/communes.json).
// OUT.csv gets `commune,epci,epci_nom,epci_type,lien`, one row per distinct `code` of COMMUNES.geojson,
// sorted by code, UTF-8, LF, RFC 4180 quoting where needed; same input → same bytes.
//   lien = membre            the package lists the commune among the EPCI's `membres`
//          chef-lieu NNNNN   the commune is not a member but a commune-déléguée/absorbée (merged on
//                            1 January 2019) whose chefLieu (else communeAbsorbante) NNNNN is one: its EPCI
//          aucune            no EPCI (epci, epci_nom, epci_type empty): nothing is invented
// Prints a report on stdout (counts, then every commune without an EPCI with its name). Exit status 1
// (OUT.csv not written) when the input is inconsistent: a commune listed in two EPCI, no `code` in
// a feature, a data file missing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [pkgDir, communesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node epci-membership.mjs PACKAGE_DIR COMMUNES.geojson OUT.csv');
  process.exit(2);
}
const fail = (msg) => {
  console.error(`epci-membership: ${msg}`);
  process.exit(1);
};
const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return fail(`cannot read ${path}: ${e.message}`);
  }
};

const pkg = readJson(join(pkgDir, 'package.json'));
const epcis = readJson(join(pkgDir, 'data', 'epci.json'));
const communes = readJson(join(pkgDir, 'data', 'communes.json'));
const layer = readJson(communesPath);
if (!Array.isArray(epcis) || !Array.isArray(communes)) fail(`${pkgDir}/data: epci.json and communes.json must be arrays`);
if (!Array.isArray(layer.features)) fail(`${communesPath}: no "features" array`);

// member commune code → its EPCI
const epciOf = new Map();
for (const e of epcis) {
  for (const m of e.membres ?? []) {
    const prev = epciOf.get(m.code);
    if (prev && prev.code !== e.code) fail(`commune ${m.code} is a member of both ${prev.code} and ${e.code}`);
    epciOf.set(m.code, e);
  }
}
// merged commune code → the commune it now belongs to (several entries may share a code)
const mergedInto = new Map();
for (const c of communes) {
  if (c.type !== 'commune-deleguee' && c.type !== 'commune-absorbee') continue;
  const target = c.chefLieu ?? c.communeAbsorbante;
  if (target && target !== c.code && !mergedInto.has(c.code)) mergedInto.set(c.code, target);
}

const names = new Map();
for (const [i, f] of layer.features.entries()) {
  const code = f.properties?.code;
  if (typeof code !== 'string' || code === '') fail(`${communesPath}: feature ${i} has no "code"`);
  if (!names.has(code)) names.set(code, f.properties.nom ?? '');
}
const codes = [...names.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const rows = ['commune,epci,epci_nom,epci_type,lien'];
let direct = 0;
let followed = 0;
const without = [];
for (const code of codes) {
  let e = epciOf.get(code);
  let lien = 'membre';
  if (e) {
    direct++;
  } else {
    const target = mergedInto.get(code);
    e = target ? epciOf.get(target) : undefined;
    if (e) {
      lien = `chef-lieu ${target}`;
      followed++;
    } else {
      without.push(code);
      rows.push(`${code},,,,aucune`);
      continue;
    }
  }
  rows.push([code, e.code, quote(e.nom), e.type, lien].join(','));
}
writeFileSync(outPath, rows.join('\n') + '\n');

const fmt = (n) => n.toLocaleString('en-US');
console.log(`${pkg.name} ${pkg.version}: ${fmt(epcis.length)} EPCI; ${fmt(codes.length)} communes in the layer`);
console.log(`  ${fmt(direct)} listed as EPCI members`);
console.log(`  ${fmt(followed)} merged communes (commune-déléguée/absorbée) joined through their chef-lieu`);
console.log(`  ${fmt(without.length)} in no EPCI${without.length ? ':' : ''}`);
for (const code of without) {
  const why = mergedInto.has(code) ? ` (merged into ${mergedInto.get(code)}, itself in no EPCI)` : '';
  console.log(`    ${code} ${names.get(code)}${why}`);
}
