// Cross-check of Cartelier's expression engine against the reference implementation
// (@maplibre/maplibre-gl-style-spec, pinned in package.json).
//
//   node tests/reference/crosscheck.mjs <cartelier binary> [--verbose]
//
// Generates expression/feature cases deterministically (seeded PRNG; every supported operator, compile
// errors and evaluation errors), evaluates them with the reference (createPropertyExpression, so that the
// "zoom" placement rule applies, then evaluateWithoutErrorHandling with {zoom} and {properties, id, type}),
// runs every case in one `<binary> style eval --cases` (a line per expression with its features), and
// compares:
//   - compile errors: Cartelier must answer {"compile_error"} and its first diagnostic must carry the
//     reference message;
//   - values: JSON-equal (numbers to 1e-9 relative), colours as "rgba(r,g,b,a)" strings;
//   - evaluation errors: the same message.
// Prints "compared N cases, D disagreements" and exits 1 if there is any disagreement.
//
// Known, deliberate deviations (not generated here, documented in the engine):
//   - ["to-color", [r, g, b, a]] with a < 1: the reference treats the array as premultiplied (a bug);
//   - number-format locales other than en/de/fr (no ICU), the "unit" option; collators;
//   - objects print their keys in sorted order (Cartelier's Object is a std::map), JavaScript in insertion order;
//   - upcase/downcase beyond ASCII, Latin-1, basic Greek and Cyrillic (no full Unicode case mapping);
//   - strings with characters outside the BMP written as \u escapes in the JSON input (yaml-cpp rejects
//     surrogate-pair escapes; raw UTF-8 works and is tested).
import {spawnSync} from 'node:child_process';
import {createPropertyExpression, Color} from '@maplibre/maplibre-gl-style-spec';

const binary = process.argv[2];
const verbose = process.argv.includes('--verbose');
if (!binary) {
    console.error('usage: node crosscheck.mjs <cartelier binary> [--verbose]');
    process.exit(2);
}

// ---------------------------------------------------------------- deterministic randomness
let seed = Number(process.env.CROSSCHECK_SEED || 0x5eed1234);  // fixed unless overridden, for exploration
function rand() {
    // mulberry32
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const num = () => pick([int(-100, 100), int(0, 20), Math.round(rand() * 1000) / 100 - 5, 0, 2.5, -2.5, 0.1, 1e21, 1 / 3]);

const STRINGS = ['alpha', 'Beta', 'gamma delta', '', '42', '3.5e2', ' 7 ', '0x1f', 'red', '#0f0', 'rgba(10, 20, 30, 0.5)',
    'hsl(120, 50%, 50%)', 'Ünïcödé', 'abc', 'Infinity', 'true', 'not a colour', 'emoji 😀 ok', 'ß', '-0', '1e-7'];
const COLORS = ['red', 'blue', '#abc', '#11223344', '#a1b2c3', 'rgb(10, 20, 30)', 'rgba(10,20,30,0.25)', 'rgb(10 20 30 / 50%)',
    'hsl(200, 40%, 60%)', 'hsla(30, 100%, 50%, 0.8)', 'transparent', 'ReBeccaPurple', 'rgb(100%, 50%, 0%)', ' lime ',
    'rgb(300, -5, 20)', 'hsl(-30deg 50% 50%)', 'bogus', 'rgb(1,2)', '#12345', 'rgb(10, 20 30)'];

function feature() {
    const properties = {};
    if (rand() < 0.9) properties.n = num();
    if (rand() < 0.9) properties.s = pick(STRINGS);
    if (rand() < 0.7) properties.b = rand() < 0.5;
    if (rand() < 0.5) properties.z = null;
    if (rand() < 0.6) properties.arr = [int(0, 9), int(0, 9), int(0, 9)];
    if (rand() < 0.5) properties.sarr = ['x', pick(STRINGS), 'y'];
    if (rand() < 0.5) properties.o = {k: pick([1, 'v', null, true])};
    if (rand() < 0.6) properties.c = pick(COLORS);
    if (rand() < 0.2) properties.n = pick(STRINGS);  // wrong type on purpose
    const f = {properties, type: pick(['Point', 'LineString', 'Polygon'])};
    if (rand() < 0.6) f.id = pick([int(1, 1000), 'feature-' + int(1, 9)]);
    return {feature: f, zoom: pick([0, 3, 5.5, 8, 10, 14.25, 22])};
}

// ---------------------------------------------------------------- cases
const cases = [];
const add = (expr, n = 3) => cases.push({expr, inputs: Array.from({length: n}, feature)});
const addConst = (expr) => add(expr, 1);
const G = (k) => ['get', k];

// literals and feature accessors
for (let i = 0; i < 3; i++) addConst(['literal', [num(), num(), pick(STRINGS)]]);
addConst(['literal', {a: 1, b: [true, null]}]);
addConst(['literal', []]);
addConst(num());
addConst(pick(STRINGS));
addConst(true);
addConst(null);
addConst(['literal']);
addConst(['literal', 1, 2]);
for (const k of ['n', 's', 'b', 'z', 'arr', 'o', 'missing']) add(G(k));
add(['get', 'k', ['object', G('o')]]);
add(['get', 'k', ['literal', {k: 'inner'}]]);
add(['has', 's']);
add(['has', 'z']);
add(['has', 'k', ['literal', {k: null}]]);
add(['has', 'missing']);
add(['properties']);
add(['id']);
add(['geometry-type']);
add(['get']);
add(['get', 1]);
add(['get', 's', 'o']);
add(['zoom', 1]);

// zoom placement
add(['interpolate', ['linear'], ['zoom'], 0, 0, 10, 100]);
add(['step', ['zoom'], 'small', 5, 'medium', 12, 'large']);
add(['interpolate', ['exponential', 1.5], ['zoom'], 3, ['get', 'arr'], 12, ['literal', [10, 20, 30]]]);
add(['+', ['zoom'], 1]);
add(['coalesce', ['step', ['zoom'], 1, 5, 2], 3]);
add(['let', 'w', 2, ['interpolate', ['linear'], ['zoom'], 0, ['var', 'w'], 10, 20]]);
add(['case', ['has', 'n'], ['step', ['zoom'], 1, 5, 2], ['step', ['zoom'], 3, 8, 4]]);
add(['interpolate', ['linear'], ['zoom'], 0, ['step', ['zoom'], 1, 5, 2], 10, 20]);
add(['step', ['get', 'n'], ['zoom'], 10, 1]);

// let / var
add(['let', 'a', ['to-number', G('n')], ['*', ['var', 'a'], 2]]);
add(['let', 'a', 1, 'b', 2, ['+', ['var', 'a'], ['var', 'b']]]);
add(['let', 'a', 1, ['let', 'a', 5, ['var', 'a']]]);
add(['var', 'nope']);
add(['let', 'bad name', 1, ['var', 'bad name']]);
add(['let', 'a', 1]);
add(['let', 3, 1, 2]);

// comparisons
for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
    add([op, G('n'), num()]);
    add([op, G('s'), pick(STRINGS)]);
    add([op, G('n'), G('s')]);
    add([op, num(), num()]);
}
add(['==', G('z'), null]);
add(['!=', G('b'), true]);
add(['==', 1, 'a']);
add(['<', true, 1]);
add(['==', ['literal', [1]], ['literal', [1]]]);
add(['==', 1]);
add(['<', ['to-string', G('n')], ['to-string', G('s')]]);

// boolean logic
add(['all', ['boolean', G('b'), false], ['has', 'n']]);
add(['all', ['has', 'n'], ['has', 's'], ['has', 'b']]);
add(['any', ['has', 'missing'], ['==', G('s'), 'alpha']]);
add(['all']);
add(['any']);
add(['!', ['has', 'n']]);
add(['!', G('b')]);
add(['all', G('b'), true]);
add(['any', 1, true]);
add(['!', 1]);

// case / match / coalesce
add(['case', ['==', ['typeof', G('n')], 'number'], ['*', G('n'), 2], -1]);
add(['case', ['has', 'missing'], 'a', ['has', 's'], 'b', 'c']);
add(['case', true, 1]);
add(['case', true, 1, 2, 3]);
add(['case', 1, 'a', 'b']);
add(['case', ['has', 'n'], 1, 'x']);
add(['match', G('s'), 'alpha', 1, ['Beta', 'abc'], 2, 0]);
add(['match', G('n'), [0, 1, 2, 3], 'low', [4, 5], 'mid', 'other']);
add(['match', ['get', 'id-less'], 'a', 1, 2]);
add(['match', ['id'], [1, 2, 3], 'small', 'other']);
add(['match', G('s'), 'a', 1, 'b']);
add(['match', G('s'), 'a', 1, 'b', 2]);
add(['match', G('s'), 'a', 1, 1, 2, 3]);
add(['match', G('s'), 'a', 1, 'a', 2, 3]);
add(['match', G('n'), 1.5, 1, 2]);
add(['match', G('s'), [], 1, 2]);
add(['match', G('s'), true, 1, 2]);
add(['match', 5, 'a', 1, 2]);
add(['match', G('s'), 'a', 'x', 2]);
add(['coalesce', G('missing'), G('z'), G('s'), 'fallback']);
add(['coalesce', G('missing'), G('z')]);
add(['coalesce', ['get', 'n'], 0]);
add(['coalesce']);
add(['to-string', ['coalesce', G('c'), 'none']]);

// step / interpolate
add(['step', ['to-number', G('n')], 'a', 0, 'b', 10, 'c', 50, 'd']);
add(['step', ['to-number', G('n')], 0, 1, 1]);
add(['step', G('n'), 0, 5, 1]);
add(['step', ['to-number', G('n')], 0]);
add(['step', ['to-number', G('n')], 0, 5, 1, 3, 2]);
add(['step', ['to-number', G('n')], 0, 'x', 1]);
add(['step', ['to-number', G('n')], 0, 5, 'x']);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 0, 100, 1]);
add(['interpolate', ['linear'], ['to-number', G('n')], -10, 'red', 10, 'blue']);
add(['interpolate', ['exponential', 2], ['to-number', G('n')], 0, 0, 10, 100]);
add(['interpolate', ['exponential', 0.5], ['to-number', G('n')], 0, ['literal', [0, 10]], 10, ['literal', [100, 0]]]);
add(['interpolate', ['cubic-bezier', 0.42, 0, 0.58, 1], ['to-number', G('n')], 0, 0, 10, 100]);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, ['rgba', 255, 0, 0, 0], 10, ['rgba', 0, 0, 255, 1]]);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 'a', 10, 'b']);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 0]);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 0, 10]);
add(['interpolate', ['cubic'], ['to-number', G('n')], 0, 0, 10, 1]);
add(['interpolate', ['exponential', 'x'], ['to-number', G('n')], 0, 0, 10, 1]);
add(['interpolate', ['cubic-bezier', 0, 0, 2, 1], ['to-number', G('n')], 0, 0, 10, 1]);
add(['interpolate', 'linear', ['to-number', G('n')], 0, 0, 10, 1]);
add(['interpolate', ['linear'], ['to-number', G('n')], 10, 0, 0, 1]);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 0, 10, G('n')]);
add(['interpolate', ['linear'], ['to-number', G('n')], 0, 'red', 10, 5]);

// math
const N = () => ['to-number', G('n'), 0];
for (const op of ['+', '*', 'min', 'max']) {
    add([op, N(), num(), num()]);
    addConst([op]);
}
for (const op of ['-', '/', '%', '^']) add([op, N(), num()]);
add(['-', N()]);
add(['/', N(), 0]);
add(['%', N(), 0]);
add(['^', -8, 1 / 3]);
for (const op of ['abs', 'round', 'floor', 'ceil', 'sqrt', 'ln', 'log10', 'log2', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan']) {
    add([op, N()]);
    addConst([op, num()]);
}
for (const v of [2.5, -2.5, 0.5, -0.5, 1.4999999999999998, 1000]) addConst(['round', v]);
addConst(['log10', 1000]);
addConst(['e']);
addConst(['pi']);
addConst(['ln2']);
addConst(['+', 0.1, 0.2]);
add(['+', 1, 'a']);
add(['-']);
add(['-', 1, 2, 3]);
add(['/', 1]);
add(['abs', 'x']);
add(['+', G('n'), 1]);
add(['max', G('n'), G('s')]);

// strings and arrays
add(['length', G('s')]);
add(['length', G('arr')]);
add(['length', G('n')]);
add(['length', 5]);
add(['length']);
add(['at', int(0, 3), G('arr')]);
add(['at', 1.5, ['literal', [1, 2, 3]]]);
add(['at', -1, ['literal', [1, 2, 3]]]);
add(['at', 5, ['literal', ['a', 'b']]]);
add(['at', ['to-number', G('n')], ['literal', [10, 20, 30]]]);
add(['at', 0, G('s')]);
add(['at', 0]);
add(['in', pick(STRINGS), G('s')]);
add(['in', int(0, 9), G('arr')]);
add(['in', 'x', G('sarr')]);
add(['in', G('n'), ['literal', [1, 2, 3, 'alpha']]]);
add(['in', G('o'), ['literal', [1]]]);
add(['in', ['literal', [1]], ['literal', [1]]]);
add(['in', 1, G('n')]);
add(['in', 'a']);
add(['index-of', 'a', G('s')]);
add(['index-of', int(0, 9), G('arr')]);
add(['index-of', 'y', G('sarr'), 1]);
add(['index-of', 'l', 'hello world', -3]);
add(['index-of', 'ö', 'Ünïcödé']);
add(['index-of', null, ['literal', [1, null]]]);
add(['index-of', ['literal', []], 'abc']);
add(['index-of', 'a', G('n')]);
add(['index-of', 'a']);
add(['slice', G('s'), 1]);
add(['slice', G('s'), 1, 3]);
add(['slice', G('arr'), -2]);
add(['slice', G('sarr'), 0, -1]);
add(['slice', 'Ünïcödé', 2, 5]);
add(['slice', ['literal', [1, 2, 3, 4]], 1.7, 10]);
add(['slice', G('n'), 1]);
add(['slice', 5, 1]);
add(['slice', 'abc']);
add(['concat', G('s'), '-', G('n'), '-', G('b'), '-', G('z'), G('arr'), G('o')]);
add(['concat', 'a', ['to-color', 'red'], ['literal', [1, 'b']]]);
add(['concat']);
add(['upcase', G('s')]);
add(['downcase', ['to-string', G('s')]]);
add(['upcase', 1]);
add(['downcase', 'ÀÉÎ Straße']);

// type conversions and assertions
add(['to-string', G('n')]);
for (const v of [1e21, 1e-7, 0.1, -0, 123456789012, 1 / 3, 1.5e300, -1e-10]) addConst(['to-string', v]);
add(['to-string', G('arr')]);
add(['to-string', G('o')]);
add(['to-string', ['to-color', G('c'), 'black']]);
add(['to-string', 1, 2]);
add(['to-number', G('s')]);
add(['to-number', G('s'), G('n'), -1]);
add(['to-number', G('b')]);
add(['to-number', G('z')]);
add(['to-number', G('arr')]);
for (const s of ['0x1f', ' 12 ', '', '1e3', '-Infinity', '.5', '5.', '+3', '0b101', '0o17', '1_000', 'abc']) addConst(['to-number', s]);
add(['to-number', 'abc']);
add(['to-boolean', G('s')]);
add(['to-boolean', G('n')]);
add(['to-boolean', G('z')]);
add(['to-boolean', G('arr')]);
add(['to-boolean', 1, 2]);
add(['to-color', G('c')]);
add(['to-color', G('c'), G('s'), 'black']);
add(['to-color', G('s')]);
for (const c of COLORS) addConst(['to-color', c]);
addConst(['to-color', ['literal', [255, 128, 0]]]);
addConst(['to-color', ['literal', [255, 128, 0, 1]]]);
addConst(['to-color', ['literal', [255, 128]]]);
addConst(['to-color', ['literal', [256, 0, 0]]]);
addConst(['to-color', ['literal', [25, 0, 0, 2]]]);
addConst(['to-color', 5]);
add(['to-rgba', ['to-color', G('c'), 'red']]);
addConst(['to-rgba', 'rgba(10, 20, 30, 0.5)']);
add(['to-rgba', 5]);
add(['rgb', int(0, 255), int(0, 255), N()]);
add(['rgba', int(0, 255), int(0, 255), int(0, 255), ['/', N(), 100]]);
addConst(['rgb', 300, 0, 0]);
addConst(['rgba', 0, 0, 0, 2]);
addConst(['rgb', 1, 2]);
add(['typeof', G('n')]);
add(['typeof', G('arr')]);
add(['typeof', G('sarr')]);
add(['typeof', G('o')]);
add(['typeof', G('z')]);
add(['typeof', ['literal', [[1], [2]]]]);
add(['typeof', ['to-color', 'red']]);
add(['typeof', ['literal', [1, 'a']]]);
add(['string', G('s')]);
add(['string', G('n'), G('s'), 'fallback']);
add(['number', G('n')]);
add(['number', G('s'), G('n'), 0]);
add(['boolean', G('b')]);
add(['object', G('o')]);
add(['object', G('n')]);
add(['array', G('arr')]);
add(['array', 'number', G('arr')]);
add(['array', 'number', 3, G('arr')]);
add(['array', 'string', 2, G('arr')]);
add(['array', 'string', G('sarr')]);
add(['array', 'color', G('arr')]);
add(['array', 'number', -1, G('arr')]);
add(['array', 'number', 3.5, G('arr')]);
add(['number']);
add(['string', 5]);
add(['number', 'abc']);

// number-format
add(['number-format', N(), {}]);
add(['number-format', N(), {'max-fraction-digits': 2}]);
add(['number-format', N(), {'min-fraction-digits': 2, 'max-fraction-digits': 4}]);
add(['number-format', N(), {'min-fraction-digits': 0, 'max-fraction-digits': 0}]);
add(['number-format', N(), {locale: 'de-DE'}]);
add(['number-format', ['*', N(), 1000], {locale: 'fr-FR', 'max-fraction-digits': 1}]);
add(['number-format', ['*', N(), 1000], {currency: 'USD'}]);
add(['number-format', ['*', N(), 100], {currency: 'EUR', locale: 'de-DE'}]);
add(['number-format', ['*', N(), 100], {currency: 'JPY'}]);
add(['number-format', ['*', N(), 100], {currency: 'GBP', 'min-fraction-digits': 3}]);
for (const v of [1.005, 0.125, 1234567.891, 2.5, -2.5, 0.0000001, 1e21, 999.9996]) addConst(['number-format', v, {'max-fraction-digits': 2}]);
addConst(['number-format', 1, {'min-fraction-digits': 5, 'max-fraction-digits': 2}]);
add(['number-format', N()]);
add(['number-format', N(), 'x']);
add(['number-format', 'x', {}]);
add(['number-format', N(), {locale: 5}]);

// parse errors
add([]);
add([1, 2]);
add([null]);
add(['concatt', 'a']);
add(['interpolat', ['linear'], ['zoom'], 0, 0, 10, 1]);
add({a: 1});
add(['+', {a: 1}]);
add(['get', 'n', 'extra', 'args']);
add(['string']);

// random compositions
const leaves = [() => N(), () => num(), () => ['length', ['to-string', G('s')]], () => ['at', int(0, 2), ['array', 'number', 3, ['literal', [1, 2, 3]]]]];
for (let i = 0; i < 30; i++) {
    const op = pick(['+', '-', '*', '/', '%', 'min', 'max', '^']);
    const a = pick(leaves)(), b = pick(leaves)();
    const e = [op, a, b];
    add(pick([e, ['round', e], ['to-string', e], ['step', e, 'lo', int(-5, 5), 'hi'], ['interpolate', ['linear'], e, -10, 0, 10, 1]]));
}

// edge cases of JavaScript semantics
add(['==', G('arr'), G('arr')]);
add(['==', ['literal', 'a'], G('s')]);
add(['in', 'a', G('o')]);
add(['in', G('b'), ['literal', [true, false]]]);
add(['in', null, ['literal', [null]]]);
add(['to-string', ['literal', {a: null, b: [1, {c: 'd'}]}]]);  // keys in sorted order: see the header
add(['to-string', ['literal', [[1, 2], [], 'x']]]);
add(['typeof', ['literal', []]]);
add(['typeof', ['literal', [[], []]]]);
add(['step', ['/', ['to-number', G('n'), 0], 0], 'a', 0, 'b', 1, 'c']);
add(['interpolate', ['linear'], ['/', ['to-number', G('n'), 0], 0], 0, 1, 1, 2]);
add(['at', ['/', 0, 0], ['literal', [1, 2]]]);
add(['at', ['/', ['to-number', G('n'), 0], 0], ['literal', [1, 2]]]);
add(['match', ['*', ['to-number', G('n'), 0], 1], [7, 0], 'hit', 'miss']);
add(['length', 'emoji 😀 ok']);
add(['slice', 'emoji 😀 ok', 4, 7]);
add(['index-of', 'ok', 'emoji 😀 ok']);
add(['upcase', 'emoji 😀 ok ß']);
add(['to-number', ['literal', [5]]]);
add(['to-number', ['literal', []]]);
add(['to-number', ['literal', [1, 2]]]);
add(['to-boolean', ['literal', {}]]);
add(['to-boolean', ['/', 0, 0]]);
add(['concat', ['literal', [null, true]], ['literal', {}]]);
add(['number-format', ['/', 1, 0], {}]);
add(['number-format', ['/', 0, 0], {}]);
add(['number-format', -0.0001, {'max-fraction-digits': 2}]);
add(['get', ['concat', 'a', 'rr']]);
add(['has', ['downcase', 'S']]);
add(['properties', 1]);
add(['let', 'x', ['get', 'n'], ['case', ['==', ['typeof', ['var', 'x']], 'number'], ['var', 'x'], ['var', 'x']]]);

// random well-typed (and sometimes ill-typed) expression trees
function gen(type, depth) {
    const leaf = depth <= 0 || rand() < 0.25;
    if (type === 'number') {
        if (leaf) return pick([() => num(), () => ['to-number', G('n'), 0], () => ['length', ['to-string', G('s')]], () => ['number', G('n'), -1]])();
        return pick([
            () => [pick(['+', '*', 'min', 'max']), gen('number', depth - 1), gen('number', depth - 1)],
            () => [pick(['-', '/', '%', '^']), gen('number', depth - 1), gen('number', depth - 1)],
            () => [pick(['abs', 'round', 'floor', 'ceil', 'sqrt', 'ln', 'log10', '-']), gen('number', depth - 1)],
            () => ['case', gen('boolean', depth - 1), gen('number', depth - 1), gen('number', depth - 1)],
            () => ['match', gen('string', depth - 1), pick(STRINGS), gen('number', depth - 1), gen('number', depth - 1)],
            () => ['step', gen('number', depth - 1), gen('number', depth - 1), int(-5, 5), gen('number', depth - 1)],
            () => ['interpolate', pick([['linear'], ['exponential', 1.7]]), gen('number', depth - 1), -5, gen('number', depth - 1), 5, gen('number', depth - 1)],
            () => ['index-of', pick(['a', 'l', ' ']), gen('string', depth - 1)],
            () => ['coalesce', G('missing'), gen('number', depth - 1)],
            () => ['at', int(0, 3), ['array', 'number', G('arr')]],
            () => ['let', 'v', gen('number', depth - 1), ['*', ['var', 'v'], ['var', 'v']]],
        ])();
    }
    if (type === 'string') {
        if (leaf) return pick([() => pick(STRINGS), () => ['to-string', G('s')], () => ['string', G('s'), ''], () => ['geometry-type']])();
        return pick([
            () => ['concat', gen('string', depth - 1), gen(pick(['number', 'boolean', 'string']), depth - 1)],
            () => [pick(['upcase', 'downcase']), gen('string', depth - 1)],
            () => ['slice', gen('string', depth - 1), int(-3, 3)],
            () => ['to-string', gen(pick(['number', 'boolean', 'color']), depth - 1)],
            () => ['typeof', gen(pick(['number', 'string']), depth - 1)],
            () => ['number-format', gen('number', depth - 1), {'max-fraction-digits': int(0, 4)}],
            () => ['case', gen('boolean', depth - 1), gen('string', depth - 1), gen('string', depth - 1)],
            () => ['step', gen('number', depth - 1), gen('string', depth - 1), 0, gen('string', depth - 1)],
        ])();
    }
    if (type === 'boolean') {
        if (leaf) return pick([() => rand() < 0.5, () => ['has', pick(['n', 's', 'missing'])], () => ['to-boolean', G('b')], () => ['boolean', G('b'), false]])();
        return pick([
            () => [pick(['==', '!=', '<', '<=', '>', '>=']), gen('number', depth - 1), gen('number', depth - 1)],
            () => [pick(['==', '!=', '<', '>=']), gen('string', depth - 1), gen('string', depth - 1)],
            () => [pick(['all', 'any']), gen('boolean', depth - 1), gen('boolean', depth - 1), gen('boolean', depth - 1)],
            () => ['!', gen('boolean', depth - 1)],
            () => ['in', gen('string', depth - 1), gen('string', depth - 1)],
            () => ['in', gen('number', depth - 1), G('arr')],
        ])();
    }
    // color
    if (leaf) return pick([() => ['to-color', pick(COLORS.slice(0, 12))], () => ['to-color', G('c'), 'black'], () => ['rgb', int(0, 255), int(0, 255), int(0, 255)]])();
    return pick([
        () => ['interpolate', ['linear'], gen('number', depth - 1), -10, gen('color', depth - 1), 10, gen('color', depth - 1)],
        () => ['rgba', int(0, 255), int(0, 255), int(0, 255), ['/', ['abs', gen('number', depth - 1)], 1000]],
        () => ['case', gen('boolean', depth - 1), gen('color', depth - 1), gen('color', depth - 1)],
    ])();
}
for (let i = 0; i < 120; i++) {
    const t = pick(['number', 'string', 'boolean', 'color']);
    let e = gen(t, int(1, 4));
    if (t === 'color' && rand() < 0.5) e = ['to-rgba', e];
    // an occasional type error: a number where a string is required, etc.
    if (rand() < 0.08) e = [pick(['upcase', '!', 'abs']), e];
    add(e);
}

// ---------------------------------------------------------------- evaluation
const spec = {type: 'any', 'property-type': 'data-driven', expression: {interpolated: true, parameters: ['zoom', 'feature']}};

function normalize(v) {
    if (v instanceof Color) return v.toString();
    if (v === undefined) return null;
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === 'object') {
        const o = {};
        for (const k of Object.keys(v)) o[k] = normalize(v[k]);
        return o;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return null;  // as JSON.stringify prints it
    return v;
}

function close(a, b) {
    if (typeof a === 'number' && typeof b === 'number') {
        if (a === b) return true;
        return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
    }
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
        const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
        return close(ka, kb) && ka.every((k) => close(a[k], b[k]));
    }
    // Numbers printed as strings (to-string, concat) may differ in the last digit where the C library and V8
    // round a transcendental function differently (pow, sin, …): accept 1e-12 relative.
    if (typeof a === 'string' && typeof b === 'string' && a !== b && /^-?[\d.]+(e[+-]\d+)?$/.test(a) && /^-?[\d.]+(e[+-]\d+)?$/.test(b)) {
        const x = Number(a), y = Number(b);
        return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
    }
    // The same for the alpha of a printed colour (channels must agree exactly).
    const rgba = /^rgba\((\d+),(\d+),(\d+),([^)]+)\)$/;
    if (typeof a === 'string' && typeof b === 'string' && rgba.test(a) && rgba.test(b)) {
        const [, r1, g1, b1, a1] = a.match(rgba), [, r2, g2, b2, a2] = b.match(rgba);
        const x = Number(a1), y = Number(a2);
        return r1 === r2 && g1 === g2 && b1 === b2 && Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
    }
    return a === b;
}

// Every case in one `cartelier style eval --cases` process: one line per expression with its inputs.
const featureLine = ({feature, zoom}) => {
    const line = {properties: feature.properties, geometry: {type: feature.type}, zoom};
    if ('id' in feature) line.id = feature.id;
    return line;
};
const batch = cases.map((c) => JSON.stringify({expression: c.expr, inputs: c.inputs.map(featureLine)}));
const run = spawnSync(binary, ['style', 'eval', '--cases'], {input: batch.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28});
if (run.error || run.status !== 0) {
    console.error(`cannot run ${binary} style eval --cases: ${run.error ? run.error.message : `exit ${run.status}: ${run.stderr}`}`);
    process.exit(2);
}
const answers = run.stdout.split('\n').filter((l) => l.length);
if (answers.length !== cases.length) {
    console.error(`${binary} style eval --cases answered ${answers.length} lines for ${cases.length} cases:\n${run.stdout}`);
    process.exit(2);
}

let compared = 0;
const disagreements = [];
cases.forEach((c, k) => {
    const text = JSON.stringify(c.expr);
    const lines = c.inputs.map((input) => JSON.stringify(featureLine(input)));
    let ours;
    try {
        ours = JSON.parse(answers[k]);
    } catch (e) {
        ours = {error: `(unparsable: ${answers[k]})`};
    }
    const ref = createPropertyExpression(c.expr, 'crosscheck', spec);
    if (ref.result === 'error') {
        compared++;
        const message = ref.value[0].message;
        const first = (ours.compile_error || '').split('\n')[0];
        if (!first.includes(message))
            disagreements.push({expr: text, expected: `compile error: ${message}`, actual: first || answers[k]});
        else if (verbose) console.log(`ok  ${text}  → compile error ${message}`);
        return;
    }
    const outputs = ours.results || [];
    c.inputs.forEach(({feature, zoom}, i) => {
        compared++;
        let expected;
        try {
            expected = normalize(ref.value.evaluateWithoutErrorHandling({zoom}, feature));
        } catch (e) {
            expected = {error: e.message};
        }
        const actual = outputs[i] === undefined ? `(no output: ${answers[k]})` : outputs[i];
        if (!close(expected, actual))
            disagreements.push({expr: text, input: lines[i], expected: JSON.stringify(expected), actual: JSON.stringify(actual)});
        else if (verbose) console.log(`ok  ${text}  ${lines[i]}  → ${JSON.stringify(actual)}`);
    });
});

for (const d of disagreements) {
    console.log(`DISAGREE ${d.expr}${d.input ? `\n   input:     ${d.input}` : ''}\n   reference: ${d.expected}\n   cartelier: ${d.actual}`);
}
console.log(`compared ${compared} cases (${cases.length} expressions), ${disagreements.length} disagreements`);
process.exit(disagreements.length ? 1 : 0);
