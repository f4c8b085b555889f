#!/usr/bin/env bash
# callgraph.sh [--check] [--markdown] [BUILD_DIR]: the module's file-level
# call graph, derived from the built objects (default build/debug): file A
# calls file B when one of A.o's undefined symbols is a function B.o
# defines (nm).  Calls through a function pointer A.o names count; data
# (module parameters, the pernet id, counters) does not, nor do static
# inline functions, which belong to their callers' objects.
#
# It prints the files by layer, each with the files it calls, marks the
# calls that go up a layer, and lists the cycles (strongly connected
# components).  --markdown prints the same for Documentation/design.md.
# --check fails if the graph has a cycle that does not go through an
# allowed edge (ALLOWED below, each with its reason in design.md): a new
# cycle must be removed or argued for there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check=0
markdown=0
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--markdown) markdown=1 ;;
	-*) die "usage: $0 [--check] [--markdown] [BUILD_DIR]" ;;
	*) break ;;
	esac
	shift
done
build=${1:-$XTCP_TOP/build/debug}
# xtcp.ko's objects, as Kbuild linked them (a stale one of a removed
# source may still lie in the directory)
objs=$(grep '/module/[a-z_0-9]*\.o$' "$build/xtcp.mod" 2>/dev/null) ||
	die "no xtcp.mod in $build (run: make debug)"

# The layers, bottom first: a file calls its own layer and those below.
LAYERS='
core: wire state isn window rtt cc cubic hystart prr ofo ts sack rack
base: addr table trace memory buffer
output: output timewait bind syncookie offload ipv6
data: send recv timer keepalive
conn: life listen
calls: socket sockopt input icmp
load: af_xtcp pernet sysctl proc diag
'

# Edges that may close a cycle (FROM->TO), why in Documentation/design.md
# ("Layers and the call graph").
ALLOWED='
timer->send timer->recv timer->keepalive timer->icmp timer->life
timer->listen keepalive->life timewait->bind
'

for o in $objs; do
	f=$(basename "$o" .o)
	nm "$o" | awk -v f="$f" '
		$1 == "U" { print "U", f, $2 }
		NF == 3 && $2 ~ /^[TW]$/ { print "T", f, $3 }'
done | LAYERS=$LAYERS ALLOWED=$ALLOWED python3 -c '
import os, sys, collections

check, markdown = int(sys.argv[1]), int(sys.argv[2])
defs, uses, files = {}, collections.defaultdict(set), set()
for line in sys.stdin:
	kind, f, sym = line.split()
	files.add(f)
	if kind == "T":
		defs[sym] = f
	else:
		uses[f].add(sym)
calls = collections.defaultdict(set)
for f in files:
	for sym in uses[f]:
		g = defs.get(sym)
		if g and g != f:
			calls[f].add(g)

layer, order = {}, []
for line in os.environ["LAYERS"].strip().splitlines():
	name, members = line.split(":")
	order.append((name, members.split()))
	for m in members.split():
		layer[m] = len(order) - 1
unplaced = sorted(f for f in files if f not in layer)
if unplaced:
	order.append(("unplaced", unplaced))
	for f in unplaced:
		layer[f] = len(order) - 1
allowed = set(tuple(e.split("->")) for e in os.environ["ALLOWED"].split())

def sccs(nodes, edges):
	index, low, stack, on, out = {}, {}, [], set(), []
	def visit(v):
		index[v] = low[v] = len(index)
		stack.append(v)
		on.add(v)
		for w in sorted(edges[v]):
			if w not in index:
				visit(w)
				low[v] = min(low[v], low[w])
			elif w in on:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			comp = []
			while True:
				w = stack.pop()
				on.discard(w)
				comp.append(w)
				if w == v:
					break
			if len(comp) > 1:
				out.append(sorted(comp, key=lambda x: (layer[x], x)))
	for v in sorted(nodes):
		if v not in index:
			visit(v)
	return out

up = lambda a, b: layer[b] > layer[a]
nedges = sum(len(v) for v in calls.values())
comps = sccs(files, calls)
mutual = sorted((a, b) for a in calls for b in calls[a] if a < b and a in calls[b])
fmt_to = lambda a: " ".join((b + "^" if up(a, b) else b)
			   for b in sorted(calls[a], key=lambda x: (layer[x], x)))
if markdown:
	print("| layer | file | calls (^: a higher layer) |")
	print("|---|---|---|")
	for i, (name, members) in reversed(list(enumerate(order))):
		for f in sorted(members):
			if f in files:
				print("| %d %s | `%s` | %s |" % (i, name, f, fmt_to(f) or "-"))
	print()
else:
	for i, (name, members) in reversed(list(enumerate(order))):
		print("%d %s:" % (i, name))
		for f in sorted(members):
			if f in files:
				print("  %-10s -> %s" % (f, fmt_to(f)))
if markdown:
	print("```")
print("%d files, %d calls between them, %d going up a layer, %d pairs "
      "calling each other, %d cycles (strongly connected components):"
      % (len(files), nedges, sum(up(a, b) for a in calls for b in calls[a]),
	 len(mutual), len(comps)))
def path(src, dst):
	prev, todo = {src: None}, [src]
	while todo:
		v = todo.pop(0)
		if v == dst:
			p = []
			while v:
				p.append(v)
				v = prev[v]
			return p[::-1]
		for w in sorted(calls[v]):
			if w not in prev:
				prev[w] = v
				todo.append(w)
for c in comps:
	print("- " + " ".join(c))
	for a in c:
		for b in sorted(calls[a]):
			if b in c and (up(a, b) or (a, b) in allowed):
				print("  %s%s -> %s" % ("" if (a, b) in allowed else "NEW ",
							 a, " -> ".join(path(b, a))))
if markdown:
	print("```")
if unplaced:
	print("not in a layer (add them to LAYERS in scripts/callgraph.sh): "
	      + " ".join(unplaced))
if check:
	rest = collections.defaultdict(set)
	for a in calls:
		rest[a] = set(b for b in calls[a] if (a, b) not in allowed)
	bad = sccs(files, rest)
	stale = sorted("%s->%s" % e for e in allowed
		       if e[1] not in calls.get(e[0], ()))
	if stale:
		print("allowed but no longer called (drop from ALLOWED): "
		      + " ".join(stale))
	if bad:
		print("FAIL: a cycle not through an allowed edge: "
		      + "; ".join(" ".join(c) for c in bad))
		sys.exit(1)
' "$check" "$markdown"
