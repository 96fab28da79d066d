#!/usr/bin/env python3
"""kb-gen.py - turn a knowledge-base TSV file into a C array of structs.

The TSV has a header row naming its columns; every other row is one fact.
Each --field maps a column to a struct member with a type:

    COLUMN[=MEMBER]:TYPE[:MAP]

    int       a decimal (or 0x hex) integer
    double    a number
    str       a string that must not be empty
    optstr    a string; empty becomes NULL
    bool      yes/no, true/false, 1/0
    enum      MAP lists value=IDENT pairs: "app=KB_XID_APP,warning=KB_XID_WARNING"

Columns without a --field are ignored (notes for people). Rows are checked
(--unique keys, known enum values, non-empty strings) and the first bad row
fails the build as FILE:LINE: message. --unique takes a column or several
joined by '+' ("torch+cuda": the pair must differ). --sort orders the array
by a column (numerically when every value is an integer) so that C code
can binary-search it.

Example:
    kb-gen.py --struct kb_xid --array kb_xid_table --include kb/kb-tables.h \\
        --field code:int --field class=cls:enum:app=KB_XID_APP ... \\
        --unique code --sort code xid.tsv kb-xid-table.c
"""
import argparse
import sys


class BadRow(Exception):
    pass


def parse_field(spec):
    parts = spec.split(':', 2)
    if len(parts) < 2:
        raise SystemExit(f'kb-gen: bad --field {spec!r}: want COLUMN[=MEMBER]:TYPE[:MAP]')
    col, _, member = parts[0].partition('=')
    ftype = parts[1]
    mapping = {}
    if ftype == 'enum':
        if len(parts) < 3 or not parts[2]:
            raise SystemExit(f'kb-gen: enum field {col!r} needs a value=IDENT map')
        for pair in parts[2].split(','):
            key, eq, ident = pair.partition('=')
            if not eq or not ident.isidentifier():
                raise SystemExit(f'kb-gen: bad enum pair {pair!r} in {spec!r}')
            mapping[key] = ident
    elif ftype not in ('int', 'double', 'str', 'optstr', 'bool'):
        raise SystemExit(f'kb-gen: unknown type {ftype!r} in {spec!r}')
    return {'col': col, 'member': member or col, 'type': ftype, 'map': mapping}


def c_string(s):
    out = ['"']
    for ch in s:
        if ch in '\\"?':  # '?' too: "??" would start a trigraph in ISO C
            out.append('\\' + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f'\\{ord(ch):03o}')
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def c_value(field, raw):
    t = field['type']
    if t == 'int':
        try:
            return str(int(raw, 0))
        except ValueError:
            raise BadRow(f"column '{field['col']}': {raw!r} is not an integer")
    if t == 'double':
        try:
            val = float(raw)
        except ValueError:
            val = float('nan')
        if val != val or val in (float('inf'), float('-inf')):
            raise BadRow(f"column '{field['col']}': {raw!r} is not a finite number")
        return repr(val)
    if t == 'bool':
        low = raw.lower()
        if low not in ('yes', 'no', 'true', 'false', '1', '0'):
            raise BadRow(f"column '{field['col']}': {raw!r} is not yes/no")
        return 'true' if low in ('yes', 'true', '1') else 'false'
    if t == 'enum':
        if raw not in field['map']:
            known = ', '.join(sorted(field['map']))
            raise BadRow(f"column '{field['col']}': unknown value {raw!r} (known: {known})")
        return field['map'][raw]
    if t == 'optstr' and raw == '':
        return 'NULL'
    if t == 'str' and raw == '':
        raise BadRow(f"column '{field['col']}' is empty")
    return c_string(raw)


def read_rows(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    if not lines:
        raise SystemExit(f'{path}:1: empty file, want a header row')
    header = lines[0].split('\t')
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if line.strip() == '' or line.startswith('#'):
            continue
        cells = line.split('\t')
        if len(cells) != len(header):
            raise SystemExit(f'{path}:{n}: {len(cells)} columns, the header has {len(header)}')
        rows.append((n, dict(zip(header, cells))))
    return header, rows


def check_rows(path, rows, fields, args):
    """Converts every row; raises SystemExit naming the first bad one."""
    seen = {key: {} for key in args.unique}
    out = []
    for n, row in rows:
        try:
            values = [(f['member'], c_value(f, row[f['col']].strip())) for f in fields]
        except BadRow as e:
            raise SystemExit(f'{path}:{n}: {e}')
        for key in args.unique:
            val = tuple(row[col].strip() for col in key.split('+'))
            if val in seen[key]:
                shown = '/'.join(val)
                raise SystemExit(f"{path}:{n}: duplicate {key} {shown!r} (first on line {seen[key][val]})")
            seen[key][val] = n
        out.append((row, values))
    if args.sort:
        keys = [rv[0][args.sort].strip() for rv in out]
        try:
            nums = [int(k, 0) for k in keys]
            out = [rv for _, rv in sorted(zip(nums, out), key=lambda p: p[0])]
        except ValueError:
            out.sort(key=lambda rv: rv[0][args.sort].strip())
    return out


def main():
    ap = argparse.ArgumentParser(description='TSV knowledge base -> C array')
    ap.add_argument('--struct', required=True, help='struct tag of one row')
    ap.add_argument('--array', required=True, help='name of the generated array')
    ap.add_argument('--include', action='append', default=[], help='header to include')
    ap.add_argument('--field', action='append', required=True, help='COLUMN[=MEMBER]:TYPE[:MAP]')
    ap.add_argument('--unique', action='append', default=[],
                    help="column (or columns joined by '+') whose values must differ")
    ap.add_argument('--sort', help='column to sort the rows by')
    ap.add_argument('input')
    ap.add_argument('output')
    args = ap.parse_args()

    fields = [parse_field(s) for s in args.field]
    header, rows = read_rows(args.input)
    unique_cols = [col for key in args.unique for col in key.split('+')]
    for col in [f['col'] for f in fields] + unique_cols + ([args.sort] if args.sort else []):
        if col not in header:
            raise SystemExit(f'{args.input}:1: no column {col!r} in the header')
    checked = check_rows(args.input, rows, fields, args)

    out = [f'/* Generated by scripts/kb-gen.py from {args.input.split("/")[-1]}: do not edit. */',
           '#include <stdbool.h>', '#include <stddef.h>', '']
    out += [f'#include "{h}"' for h in args.include]
    out += ['', f'const struct {args.struct} {args.array}[] = {{']
    for _, values in checked:
        body = ', '.join(f'.{m} = {v}' for m, v in values)
        out.append(f'        {{ {body} }},')
    out += ['};', '',
            f'const size_t {args.array}_size = sizeof({args.array}) / sizeof({args.array}[0]);', '']
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
