#!/usr/bin/env bash
# mutation-sweep.sh — does a mistake in the seed project's inputs give a wrong map silently?
#
# Copies the seed project into a scratch folder once per mutation, applies one mutation, runs
# `cartelier check` and `cartelier build` on the copy (PNG only, low resolution, to stay quick), and
# classifies the outcome against an unmutated baseline built the same way:
#   error     check or build exits non-zero              (loud: the nightly build fails)
#   warned    exit 0, but a warning names the problem    (loud enough: the log says it)
#   harmless  exit 0, no warning, every PNG identical to the baseline
#   SILENT    exit 0, no warning, a PNG differs          (the bug issue 19 is about)
# The families of mutations (issue 19, "Done when"):
#   retype    every CSV column declared with each other type (`types:`), and every CSV column's values
#             rewritten in another lexical type (integers as reals, codes without their leading zero)
#   negate    every style filter wrapped in ["!", …]
#   empty     every data layer or table emptied (header only / empty FeatureCollection)
#   swap      every GeoJSON/CSV source converted to a GeoPackage holding another layer first, without
#             `layer:`; and the same with the right `layer:` (control: must be harmless)
#
# Usage: scripts/mutation-sweep.sh [--family NAME]... [--keep]
# Environment: CARTELIER (default build/cartelier). Needs python3 and ogr2ogr (gdal-bin).
# Prints one line per mutation and a summary; exits 1 if any mutation is SILENT.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/packages.sh
. "$root/scripts/packages.sh"
ensure_packages mutation-sweep python3 gdal-bin >&2

export CARTELIER=${CARTELIER:-$root/build/cartelier}
[ -x "$CARTELIER" ] || { echo "mutation-sweep: no program at $CARTELIER (run scripts/setup.sh first)" >&2; exit 2; }
[ -f "$root/layers/cache/departements.geojson" ] || {
  echo "mutation-sweep: layers/cache is empty (run scripts/fetch-layers.sh first)" >&2; exit 2; }

exec python3 - "$root" "$@" <<'PYTHON'
import csv, hashlib, io, json, os, re, shutil, subprocess, sys, tempfile

root = sys.argv[1]
args = sys.argv[2:]
families = [a for i, a in enumerate(args) if i > 0 and args[i - 1] == "--family"]
keep = "--keep" in args
program = os.environ["CARTELIER"]

scratch = tempfile.mkdtemp(prefix="cartelier-mutations-")

def project_yaml():
    text = open(os.path.join(root, "cartelier.yaml"), encoding="utf-8").read()
    text = re.sub(r"(?m)^(\s*)formats: .*$", r"\1formats: [png]", text, count=1)
    text = re.sub(r"(?m)^(\s*)dpi: .*$", r"\1dpi: 60", text, count=1)
    return text

def make_copy(name):
    """A copy of the seed project: small files copied, the large boundary files linked."""
    d = os.path.join(scratch, name)
    os.makedirs(os.path.join(d, "layers", "cache"))
    shutil.copytree(os.path.join(root, "styles"), os.path.join(d, "styles"))
    for f in os.listdir(os.path.join(root, "layers")):
        p = os.path.join(root, "layers", f)
        if os.path.isfile(p): shutil.copy(p, os.path.join(d, "layers", f))
    for f in os.listdir(os.path.join(root, "layers", "cache")):
        os.symlink(os.path.join(root, "layers", "cache", f), os.path.join(d, "layers", "cache", f))
    open(os.path.join(d, "cartelier.yaml"), "w", encoding="utf-8").write(project_yaml())
    return d

def replace_file(d, rel, content, binary=False):
    p = os.path.join(d, rel)
    if os.path.islink(p): os.unlink(p)
    with open(p, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as f: f.write(content)

def run(d, *cmd):
    r = subprocess.run([program, *cmd], cwd=d, capture_output=True, text=True, timeout=600)
    return r.returncode, r.stdout + r.stderr

def pngs(d):
    out = {}
    for f in sorted(os.listdir(os.path.join(d, "out"))) if os.path.isdir(os.path.join(d, "out")) else []:
        if f.endswith(".png"):
            out[f] = hashlib.sha256(open(os.path.join(d, "out", f), "rb").read()).hexdigest()
    return out

def noisy(text):
    return [l for l in text.splitlines() if re.search(r"\b(warning|error)\b", l)]

baseline_dir = make_copy("baseline")
status, text = run(baseline_dir, "build", "-j2")
if status != 0 or noisy(text):
    print("mutation-sweep: the unmutated seed project does not build cleanly:\n" + text)
    sys.exit(2)
baseline = pngs(baseline_dir)

results = []
def trial(family, name, mutate):
    if families and family not in families: return
    d = make_copy(f"{family}-{len(results)}")
    # The baseline's prepared layers: an unchanged layer is not read again (the cache key is its content).
    shutil.copytree(os.path.join(baseline_dir, "out", ".cache"), os.path.join(d, "out", ".cache"))
    note = mutate(d)
    s1, t1 = run(d, "check")
    s2, t2 = run(d, "build", "-j2")
    lines = noisy(t1) + noisy(t2)
    if s1 != 0 or s2 != 0: verdict = "error"
    elif lines: verdict = "warned"
    elif pngs(d) == baseline: verdict = "harmless"
    else: verdict = "SILENT"
    first = next((l for l in lines if "error:" in l), next((l for l in lines if "warning:" in l),
                                                           lines[0] if lines else ""))
    results.append((family, name, verdict, first.strip()[:160], note or ""))
    print(f"{verdict:8} {family:7} {name}" + (f"\n         {first.strip()[:200]}" if first else ""), flush=True)
    if not keep: shutil.rmtree(d)

# --- family: retype -------------------------------------------------------------------------------
def read_csv(rel):
    text = open(os.path.join(root, rel), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]

def write_csv(d, rel, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header); w.writerows(rows)
    replace_file(d, rel, buf.getvalue())

def add_types(d, layer, column, type_name, table=None):
    """Declares `types: {column: type}` on a layer, or on the join of `table` inside it."""
    p = os.path.join(d, "cartelier.yaml")
    text = open(p, encoding="utf-8").read()
    if table:
        anchor = f"      - table: {table}\n"
        assert anchor in text, anchor
        text = text.replace(anchor, anchor + f"        types: {{{column}: {type_name}}}\n", 1)
    else:
        anchor = f"  {layer}:\n"
        assert anchor in text, anchor
        text = text.replace(anchor, anchor + f"    types: {{{column}: {type_name}}}\n", 1)
    open(p, "w", encoding="utf-8").write(text)

csv_files = {"layers/sites.csv": ("sites", None), "layers/sessions.csv": ("sites", "layers/sessions.csv")}
for rel, (layer, table) in csv_files.items():
    header, rows = read_csv(rel)
    for i, column in enumerate(header):
        for type_name in ("string", "integer", "real"):
            trial("retype", f"{rel} column '{column}' declared {type_name}",
                  lambda d, l=layer, c=column, t=type_name, tb=table: add_types(d, l, c, t, tb))
        values = [r[i] for r in rows]
        if all(re.fullmatch(r"-?\d+", v) for v in values if v):
            def as_real(d, rel=rel, i=i, header=header, rows=rows):
                write_csv(d, rel, header, [r[:i] + [r[i] + ".0" if r[i] else ""] + r[i + 1:] for r in rows])
            trial("retype", f"{rel} column '{column}' integers written as reals (2019 → 2019.0)", as_real)
        if any(re.fullmatch(r"0\d+", v) for v in values):
            def unpadded(d, rel=rel, i=i, header=header, rows=rows):
                write_csv(d, rel, header, [r[:i] + [r[i].lstrip("0") or "0"] + r[i + 1:] for r in rows])
            trial("retype", f"{rel} column '{column}' codes without their leading zero", unpadded)

# --- family: negate -------------------------------------------------------------------------------
for style in sorted(os.listdir(os.path.join(root, "styles"))):
    if not style.endswith(".json"): continue
    doc = json.load(open(os.path.join(root, "styles", style), encoding="utf-8"))
    for i, layer in enumerate(doc.get("layers", [])):
        if "filter" not in layer: continue
        def negate(d, style=style, i=i):
            p = os.path.join(d, "styles", style)
            s = json.load(open(p, encoding="utf-8"))
            s["layers"][i]["filter"] = ["!", s["layers"][i]["filter"]]
            replace_file(d, f"styles/{style}", json.dumps(s, ensure_ascii=False, indent=2) + "\n")
        trial("negate", f"{style} layers[{i}] '{layer['id']}' filter negated", negate)

# --- family: empty --------------------------------------------------------------------------------
def layer_sources():
    """(layer name, source path, layer: value or None) of the seed project's layers."""
    out, current = [], None
    for line in open(os.path.join(root, "cartelier.yaml"), encoding="utf-8"):
        if m := re.match(r"^  ([a-z_]+):\s*$", line): current = [m.group(1), None, None]; out.append(current)
        elif current and (m := re.match(r"^    source: (\S+)", line)): current[1] = m.group(1)
        elif current and (m := re.match(r"^    layer: (\S+)", line)): current[2] = m.group(1)
        elif re.match(r"^\S", line): current = None
    return [tuple(x) for x in out if x[1]]

for name, source, _ in layer_sources():
    if source.endswith(".csv"):
        header, _rows = read_csv(source)
        trial("empty", f"layer '{name}' ({source}) header only", lambda d, s=source, h=header: write_csv(d, s, h, []))
    elif source.endswith(".geojson"):
        trial("empty", f"layer '{name}' ({source}) no feature",
              lambda d, s=source: replace_file(d, s, '{"type": "FeatureCollection", "features": []}\n'))
    elif source.endswith(".gpkg"):
        def empty_gpkg(d, s=source, n=name):
            p = os.path.join(d, s); os.unlink(p)
            subprocess.run(["ogr2ogr", "-q", "-f", "GPKG", p, os.path.join(root, s), "-where", "1=0"], check=True)
        trial("empty", f"layer '{name}' ({source}) no feature", empty_gpkg)
header, _rows = read_csv("layers/sessions.csv")
trial("empty", "table layers/sessions.csv header only", lambda d, h=header: write_csv(d, "layers/sessions.csv", h, []))

# --- family: swap ---------------------------------------------------------------------------------
def swap(d, name, source, with_layer):
    """The source converted to a GeoPackage holding another layer first, then this one (named `name`)."""
    gpkg = os.path.join(d, "layers", f"{name}-swapped.gpkg")
    other = "regions" if name != "regions" else "departements"
    subprocess.run(["ogr2ogr", "-q", "-f", "GPKG", gpkg, os.path.join(root, "layers/cache", f"{other}.geojson"),
                    "-nln", other], check=True)
    src = os.path.join(root, source)
    extra = ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326",
             "-oo", "KEEP_GEOM_COLUMNS=NO"] if source.endswith(".csv") else []
    subprocess.run(["ogr2ogr", "-q", "-update", "-f", "GPKG", gpkg, src, "-nln", name, *extra], check=True)
    p = os.path.join(d, "cartelier.yaml")
    text = open(p, encoding="utf-8").read()
    block = re.search(rf"(?ms)^  {name}:\n(.*?)(?=^  \S|^\S)", text)
    body = block.group(1)
    body = re.sub(r"(?m)^    source: .*$", f"    source: layers/{name}-swapped.gpkg", body, count=1)
    body = re.sub(r"(?m)^    (layer|x|y|crs): .*\n", "", body)
    if with_layer: body = f"    layer: {name}\n" + body
    text = text[:block.start(1)] + body + text[block.end(1):]
    open(p, "w", encoding="utf-8").write(text)

for name, source, _ in layer_sources():
    if source.endswith(".gpkg"): continue
    trial("swap", f"layer '{name}' ({source}) → GeoPackage with 2 layers, no layer:",
          lambda d, n=name, s=source: swap(d, n, s, False))
    trial("swap", f"layer '{name}' ({source}) → GeoPackage with 2 layers, layer: {name} (control)",
          lambda d, n=name, s=source: swap(d, n, s, True))

# --- summary --------------------------------------------------------------------------------------
counts = {}
for r in results: counts[r[2]] = counts.get(r[2], 0) + 1
print("\n" + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + f" ({len(results)} mutations)")
silent = [r for r in results if r[2] == "SILENT"]
for r in silent: print(f"SILENT: {r[0]}: {r[1]}")
if keep: print(f"copies kept in {scratch}")
else: shutil.rmtree(scratch)
sys.exit(1 if silent else 0)
PYTHON
