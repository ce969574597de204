#!/bin/sh
# embed.sh NAME FILE: prints C source defining `const unsigned char NAME[]`
# (FILE's bytes plus a NUL) and `const unsigned long NAME_len` (without NUL).
set -eu
name=$1
file=$2
echo "/* generated from $file by scripts/embed.sh; do not edit */"
echo "const unsigned char ${name}[] = {"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
echo "	0x00};"
echo "const unsigned long ${name}_len = sizeof ${name} - 1;"
