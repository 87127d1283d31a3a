#!/bin/sh
# check-layers.sh: a directory of src/lib includes only from earlier layers
# (STYLE.md, with sys split out below the rest so control can read files):
# base; io, parse; sys; control, queue, net, log, tls, mailbox; inject.  compat is
# usable everywhere.  Prints TAP.
src=${top_srcdir:-.}/src/lib
layer() {
  case $1 in
    base|compat) echo 1 ;;
    io|parse) echo 2 ;;
    sys) echo 3 ;;
    inject) echo 5 ;;
    *) echo 4 ;;
  esac
}
n=0; bad=0
for f in "$src"/*/*.h "$src"/*/*.cc; do
  [ -f "$f" ] || continue
  dir=$(basename "$(dirname "$f")")
  mine=$(layer "$dir")
  for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*"/\1/p' "$f"); do
    theirs=$(layer "$inc")
    if [ "$dir" = parse ] && [ "$inc" != base ] && [ "$inc" != parse ]; then
      echo "# $f: parse/ may include only base/"; bad=$((bad + 1))
    elif [ "$inc" != "$dir" ] && [ "$theirs" -ge "$mine" ] && [ "$inc" != compat ]; then
      echo "# $f includes $inc/ from a later or equal layer"; bad=$((bad + 1))
    fi
  done
  n=$((n + 1))
done
echo "1..1"
if [ $bad -eq 0 ]; then echo "ok 1 - $n library files respect the layers"; else echo "not ok 1 - $bad layering violations"; fi
